import { describe, expect, it } from 'vitest';
import { parseKpiName } from './parse-kpi-name.ts';

describe('parseKpiName: flags in names', () => {
  it('reads ※累計 as cumulative and keeps it in the name', () => {
    expect(parseKpiName('新規就農者数※累計')).toEqual({ name: '新規就農者数※累計', aggregation: 'cumulative', flags: ['※累計'] });
  });

  it('reads (累計) and （累計） as cumulative', () => {
    expect(parseKpiName('女性活躍推進会議参加事業者数(累計)')).toEqual({
      name: '女性活躍推進会議参加事業者数(累計)',
      aggregation: 'cumulative',
      flags: ['(累計)'],
    });
    expect(parseKpiName('海外見本市出展等への支援件数（累計）').aggregation).toBe('cumulative');
  });

  it('reads a parenthesis ending in 累計 as cumulative', () => {
    const r = parseKpiName('正規労働者へ転換した人数(本市の制度活用による: 累計)');
    expect(r.aggregation).toBe('cumulative');
    expect(r.flags).toEqual(['(本市の制度活用による: 累計)']);
  });

  it('reads (年間) as per year', () => {
    expect(parseKpiName('地域包括支援センターへの延べ相談件数(年間)')).toEqual({
      name: '地域包括支援センターへの延べ相談件数(年間)',
      aggregation: 'per-year',
      flags: ['(年間)'],
    });
    expect(parseKpiName('つくばSTEAMコンパス事業の延べ参加者数（年間）').aggregation).toBe('per-year');
  });

  it('reads (期間累計) as a total over a period, not as cumulative', () => {
    expect(parseKpiName('技術系の新規創業者数(期間累計)')).toEqual({
      name: '技術系の新規創業者数(期間累計)',
      aggregation: 'period-total',
      flags: ['(期間累計)'],
    });
  });

  it('says nothing when there is no flag: (2013年比) is not one', () => {
    expect(parseKpiName('二酸化炭素排出削減割合（2013年比）')).toEqual({ name: '二酸化炭素排出削減割合（2013年比）', flags: [] });
    expect(parseKpiName('市民満足度')).toEqual({ name: '市民満足度', flags: [] });
  });

  it('lists every flag in order and lets the most specific decide', () => {
    const r = parseKpiName('参加者数(年間)※期間累計');
    expect(r.flags).toEqual(['(年間)', '※期間累計']);
    expect(r.aggregation).toBe('period-total');
  });
});

describe('parseKpiName: line breaks and spaces', () => {
  it('removes a line break between Japanese characters without a space', () => {
    expect(parseKpiName('二酸化炭素排出\n削減割合').name).toBe('二酸化炭素排出削減割合');
    expect(parseKpiName('いちのせきSDGs\r\nプラットフォームに参加する団体数※累計').name).toBe('いちのせきSDGsプラットフォームに参加する団体数※累計');
  });

  it('turns a line break between Latin words into a space', () => {
    expect(parseKpiName('SDGs\nPartners').name).toBe('SDGs Partners');
  });

  it('collapses spaces, full-width ones included, and trims', () => {
    expect(parseKpiName('　公共交通　 満足度 ').name).toBe('公共交通 満足度');
  });
});

describe('parseKpiName: a trailing SDG-target bracket', () => {
  it('takes it out of the name and returns it as printed', () => {
    expect(parseKpiName('二酸化炭素排出削減割合（2013年比）【7.2,13.3】')).toEqual({
      name: '二酸化炭素排出削減割合（2013年比）',
      flags: [],
      sdgTargetsText: '【7.2,13.3】',
    });
    expect(parseKpiName('新規就農者数※累計 【2.3,2.4,8.3,8.5】')).toEqual({
      name: '新規就農者数※累計',
      aggregation: 'cumulative',
      flags: ['※累計'],
      sdgTargetsText: '【2.3,2.4,8.3,8.5】',
    });
    expect(parseKpiName('居住誘導区域の人口密度 [11.1, 11.2, 11.a]').sdgTargetsText).toBe('[11.1, 11.2, 11.a]');
    expect(parseKpiName('指標【】').sdgTargetsText).toBe('【】');
  });

  it('leaves a bracket that is not an SDG list', () => {
    expect(parseKpiName('木質バイオマス利用量[BDt]')).toEqual({ name: '木質バイオマス利用量[BDt]', flags: [] });
    expect(parseKpiName('廃棄物排出量[t]').sdgTargetsText).toBeUndefined();
    expect(parseKpiName('【重点】移住者数').name).toBe('【重点】移住者数');
  });
});
