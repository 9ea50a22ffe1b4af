import { describe, expect, it } from 'vitest';
import { reconcile, type PrintedFigure } from './reconcile.ts';

const fig = (value: number, decimals: number, unit = '%'): PrintedFigure => ({ value, decimals, unit });
const rate = (value: number, decimals = 0) => ({ value, decimals });

describe('reconcile', () => {
  it('reproduces progress from the baseline at the published precision (新規就農者数 61.1 %)', () => {
    const r = reconcile({ baseline: fig(13, 0, '人'), actual: fig(101, 0, '人'), target: fig(157, 0, '人'), publishedRate: rate(61.1, 1) });
    expect(r.verdict).toBe('reproduced');
    expect(r.rate).toBeCloseTo(61.111, 3);
    expect(r.explanation).toBeNull();
  });

  it('reproduces a signed decreasing indicator (CO₂ −11.4 → −21.7, target −20.4: 114.4 %)', () => {
    const r = reconcile({ baseline: fig(-11.4, 1), actual: fig(-21.7, 1), target: fig(-20.4, 1), publishedRate: rate(114.4, 1) });
    expect(r.verdict).toBe('reproduced');
  });

  it('explains the same KPI at 106.4 % in 様式3-3 as actual / target', () => {
    const r = reconcile({ baseline: fig(-11.4, 1), actual: fig(-21.7, 1), target: fig(-20.4, 1), publishedRate: rate(106.4, 1) });
    expect(r.verdict).toBe('explained');
    expect(r.explanation?.kind).toBe('ratio-method');
    expect(r.explanation?.text.en).toContain('actual / target');
  });

  it('explains a zero denominator published as actual / target (つくばスタイル科 16 → 17, target 16: 106 %)', () => {
    const r = reconcile({ baseline: fig(16, 0, '学園'), actual: fig(17, 0, '学園'), target: fig(16, 0, '学園'), publishedRate: rate(106) });
    expect(r.rate).toBeNull();
    expect(r.verdict).toBe('explained');
    expect(r.explanation?.kind).toBe('ratio-method');
    expect(r.explanation?.text.ja).toContain('定義できず');
  });

  it('rounds half up, not to even (STEAM 437 / 200 = 218.5 → 219 %)', () => {
    const r = reconcile({ baseline: fig(495, 0, '人'), actual: fig(437, 0, '人'), target: fig(200, 0, '人'), publishedRate: rate(219) });
    expect(r.verdict).toBe('explained');
    expect(r.explanation?.kind).toBe('ratio-method');
  });

  it('finds an unrounded actual behind a displayed one (公共交通満足度: an actual of 41.2, displayed 41)', () => {
    const r = reconcile({ baseline: fig(36.1, 1), actual: fig(41, 0), target: fig(37.0, 1), publishedRate: rate(567) });
    expect(r.verdict).toBe('explained');
    expect(r.explanation).toMatchObject({ kind: 'rounded-figure', figure: 'actual', value: 41.2, method: 'progress-from-baseline' });
    expect(r.explanation?.text.en).toContain('an actual of 41.2, displayed 41');
  });

  it('finds an unrounded baseline (居住誘導区域 53 → 53.3 gives 51 %)', () => {
    const r = reconcile({ baseline: fig(53, 0), actual: fig(55.7, 1), target: fig(58.0, 1), publishedRate: rate(51) });
    expect(r.explanation).toMatchObject({ kind: 'rounded-figure', figure: 'baseline', value: 53.3 });
  });

  it('never explains a count by rounding: 人, 件, 社 are exact', () => {
    const r = reconcile({ baseline: fig(420, 0, '社'), actual: fig(871, 0, '社'), target: fig(1111, 0, '社'), publishedRate: rate(70) });
    expect(r.verdict).toBe('unexplained');
    expect(r.explanation).toBeNull();
  });

  it('reports a row without a published rate', () => {
    const r = reconcile({ baseline: fig(1, 0, '件'), actual: fig(2, 0, '件'), target: fig(3, 0, '件'), publishedRate: null });
    expect(r).toMatchObject({ verdict: 'no-published-rate', rate: 50, publishedRate: null });
  });
});
