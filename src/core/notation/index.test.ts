import { describe, expect, it } from 'vitest';
import { parseKpiName, parseQuantity, parseRate, parseSdgTargetList, parseTimePoint, formatTimePointWareki } from './index.ts';

describe('reading one KPI row of a progress sheet through the notation API', () => {
  // 一関市 SDGs未来都市等進捗評価シート: 新規就農者数 13 → 101, target 157, published 61.1 %
  it('reads every cell of the row', () => {
    const name = parseKpiName('新規就農者数※累計【2.3,2.4,8.3,8.5】');
    expect(name).toMatchObject({ name: '新規就農者数※累計', aggregation: 'cumulative' });

    const targets = parseSdgTargetList(name.sdgTargetsText ?? '');
    expect(targets).toEqual({ ok: true, value: ['2.3', '2.4', '8.3', '8.5'] });

    expect(parseQuantity('13 人')).toEqual({ ok: true, value: { value: 13, decimals: 0, unit: '人' } });
    expect(parseQuantity('101', { expectedUnit: '人' })).toEqual({ ok: true, value: { value: 101, decimals: 0, unit: '人' } });
    expect(parseRate('61.1%')).toEqual({ ok: true, value: { value: 61.1, decimals: 1 } });

    const at = parseTimePoint('令和６年８月');
    expect(at).toEqual({ ok: true, value: { kind: 'month', year: 2024, month: 8 } });
    if (at.ok) expect(formatTimePointWareki(at.value)).toBe('令和6年8月');
  });
});
