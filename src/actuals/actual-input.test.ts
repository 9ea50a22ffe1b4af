import { describe, expect, it } from 'vitest';
import type { Kpi } from '../core/kpi/kpi.ts';
import { validateActual, validateActuals } from './actual-input.ts';

/** Ichinoseki's 新規就農者数: 13 人 (2020) → 101 人 (2023), target 157 人 (2025). */
const farmers: Kpi = {
  id: 'new-farmers',
  cityId: 'ichinoseki',
  name: '新規就農者数※累計',
  unit: '人',
  sdgTargets: [],
  side: 'economy',
  aggregation: 'cumulative',
  method: 'progress-from-baseline',
  baseline: { at: { kind: 'year', year: 2020 }, value: 13, decimals: 0 },
  observations: [{ at: { kind: 'year', year: 2023 }, value: 101, decimals: 0 }],
  targets: [{ id: '2025', at: { kind: 'year', year: 2025 }, value: 157, decimals: 0, revisions: [] }],
} as unknown as Kpi;
const share: Kpi = { ...farmers, id: 'women-on-councils', unit: '%', baseline: { at: { kind: 'year', year: 2020 }, value: 48.9, decimals: 1 }, targets: [{ id: '2025', at: { kind: 'year', year: 2025 }, value: 60, decimals: 1, revisions: [] }], observations: [] } as unknown as Kpi;

const kinds = (r: ReturnType<typeof validateActual>) => (r.ok ? [] : r.problems.map((p) => `${p.field}:${p.kind}`));

describe('the one actual validator', () => {
  it('reads periods, 和暦 and printed figures; decides new, correction, unchanged once', () => {
    const period = validateActual(farmers, { at: '2020年～2024年', value: '130 人', explanation: 'x' });
    expect(period).toMatchObject({ ok: true, value: { atIso: '2020/2024', year: 2024, kind: 'new' } });
    expect(validateActual(farmers, { at: '令和5年', value: '101' })).toMatchObject({ ok: true, value: { kind: 'unchanged' } });
    expect(kinds(validateActual(farmers, { at: '2023年', value: '102' }))).toEqual(['reason:reason-required']);
    expect(validateActual(farmers, { at: '2023年', value: '102', reason: '再集計' })).toMatchObject({ ok: true, value: { kind: 'correct', before: { value: 101 } } });
  });

  it('refuses what is wrong with the field named: date, figure, unit, range, length, platform feed, permission', () => {
    expect(kinds(validateActual(farmers, { at: '2024年13月', value: '1' }))).toEqual(['at:unreadable-date']);
    expect(kinds(validateActual(farmers, { at: '', value: '' }))).toEqual(['at:required', 'value:required']);
    expect(kinds(validateActual(farmers, { at: '2024年', value: 'たくさん' }))).toEqual(['value:unreadable-value']);
    expect(kinds(validateActual(farmers, { at: '2024年', value: '12 件' }))).toEqual(['value:unit-mismatch']);
    expect(kinds(validateActual(farmers, { at: '2024年', value: '125', unit: '件' }))).toEqual(['unit:unit-mismatch']);
    expect(kinds(validateActual(share, { at: '2024年', value: '150 %' }))).toEqual(['value:percentage-out-of-range']);
    expect(kinds(validateActual(share, { at: '2024年', value: { number: 150 } }))).toEqual(['value:percentage-out-of-range']);
    expect(kinds(validateActual(farmers, { at: '2024年', value: '140', note: 'x'.repeat(2001), explanation: 'x' }))).toEqual(['note:too-long']);
    expect(kinds(validateActual(farmers, { at: '2024年', value: '140', explanation: 'x' }, { platformFrom: 2024 }))).toEqual(['platformOverride:platform-fed']);
    expect(validateActual(farmers, { at: '2023年', value: '101' }, { platformFrom: 2024 }).ok).toBe(true);
    expect(validateActual(farmers, { at: '2024年', value: '140', explanation: 'x', platformOverride: '移行前の公表値' }, { platformFrom: 2024 })).toMatchObject({ ok: true, value: { platformOverride: '移行前の公表値' } });
    expect(kinds(validateActual(farmers, { at: '2024年', value: '140' }, { permitted: false }))).toEqual(['kpi:not-permitted']);
  });

  it('asks for an explanation when the value turns the status to behind or worsening, once per KPI in a batch', () => {
    const r = validateActual(farmers, { at: '2024年', value: '120 人', note: '速報値' });
    expect(kinds(r)).toEqual(['explanation:explanation-required']);
    expect(r.ok ? '' : r.problems[0]!.message.ja).toBe('この値で状況が「遅れ」になります。短い説明（理由や今後の見通し）を入力してください');
    expect(validateActual(farmers, { at: '2024年', value: '130 人' })).toMatchObject({ ok: true, value: { statusBefore: 'on-track', statusAfter: 'on-track' } });
    const batch = validateActuals([
      { kpi: farmers, input: { at: '2024年', value: '120' } },
      { kpi: farmers, input: { at: '2024年3月', value: '110' } },
    ]);
    expect(batch.map((b) => b.ok)).toEqual([false, true]);
  });
});
