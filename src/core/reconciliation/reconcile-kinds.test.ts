import { describe, expect, it } from 'vitest';
import { EXPLANATION_KINDS, reconcile, type PrintedFigure } from './reconcile.ts';

/* The explanation kinds of published rates other cities print (issue 12 point 7, DOMAIN.md). */

const fig = (value: number, decimals = 0, unit = '人'): PrintedFigure => ({ value, decimals, unit });
const rate = (value: number, decimals = 0, percentSign = true) => ({ value, decimals, percentSign });

describe('explanation kinds, simplest first', () => {
  it('are documented in this order', () => {
    expect(EXPLANATION_KINDS).toEqual(['ratio-method', 'inverse-ratio', 'mirrored-ratio', 'capped', 'maintained', 'fraction', 'rounded-figure']);
  });

  it('ratio-method with no baseline printed: rate null', () => {
    const r = reconcile({ baseline: null, actual: fig(45), target: fig(60), publishedRate: rate(75) });
    expect(r).toMatchObject({ verdict: 'explained', rate: null, explanation: { kind: 'ratio-method' } });
    expect(r.explanation?.text.ja).toContain('当初値が示されておらず');
  });

  it('inverse-ratio and mirrored-ratio for a smaller-is-better KPI (waste 147,679 t → 145,000 t, target 142,579 t)', () => {
    const inv = reconcile({ baseline: fig(147679, 0, 't'), actual: fig(145000, 0, 't'), target: fig(142579, 0, 't'), publishedRate: rate(98.3, 1) });
    expect(inv.explanation?.kind).toBe('inverse-ratio');
    const mir = reconcile({ baseline: fig(147679, 0, 't'), actual: fig(145000, 0, 't'), target: fig(142579, 0, 't'), publishedRate: rate(98.3 - 0.0, 1) });
    expect(mir.explanation?.kind).toBe('inverse-ratio');
    const m2 = reconcile({ baseline: fig(30, 0, '件'), actual: fig(24, 0, '件'), target: fig(20, 0, '件'), publishedRate: rate(80) });
    expect(m2.explanation?.kind).toBe('mirrored-ratio');
  });

  it('never explains an increasing KPI by the smaller-is-better formulas', () => {
    const r = reconcile({ baseline: fig(10), actual: fig(20), target: fig(25), publishedRate: rate(125) });
    expect(r.verdict).toBe('unexplained');
  });

  it('capped: a ratio over 100 % printed as 100 %, also with decimals', () => {
    expect(reconcile({ baseline: fig(16), actual: fig(17), target: fig(16), publishedRate: rate(100) }).explanation?.kind).toBe('capped');
    expect(reconcile({ baseline: fig(10), actual: fig(40), target: fig(30), publishedRate: rate(100, 1) }).explanation?.kind).toBe('capped');
    expect(reconcile({ baseline: fig(10), actual: fig(29), target: fig(30), publishedRate: rate(100) }).verdict).toBe('unexplained');
  });

  it('maintained: kept at the level 0 → 0 → 0 (or 3 → 3 → 3 is already actual / target)', () => {
    expect(reconcile({ baseline: fig(0), actual: fig(0), target: fig(0), publishedRate: rate(100) }).explanation?.kind).toBe('maintained');
    expect(reconcile({ baseline: fig(3), actual: fig(3), target: fig(3), publishedRate: rate(100) }).explanation?.kind).toBe('ratio-method');
    expect(reconcile({ baseline: fig(0), actual: fig(1), target: fig(0), publishedRate: rate(100) }).verdict).toBe('unexplained');
  });

  it('fraction: 0.61 for 61 %, −1.25 for −125 %, only without a % sign', () => {
    expect(reconcile({ baseline: fig(13), actual: fig(101), target: fig(157), publishedRate: rate(0.611, 3, false) }).explanation?.kind).toBe('fraction');
    expect(reconcile({ baseline: fig(5.5, 1, '‰'), actual: fig(5.0, 1, '‰'), target: fig(5.9, 1, '‰'), publishedRate: rate(-1.25, 2, false) }).explanation?.kind).toBe('fraction');
    expect(reconcile({ baseline: fig(5.5, 1, '‰'), actual: fig(5.0, 1, '‰'), target: fig(5.9, 1, '‰'), publishedRate: rate(-1.25, 2, true) }).verdict).toBe('unexplained');
  });

  it('a grade is kept as verdict grade, never compared', () => {
    const r = reconcile({ baseline: fig(1020, 0, '万人'), actual: fig(910, 0, '万人'), target: fig(1200, 0, '万人'), publishedRate: null, grade: '◎' });
    expect(r).toMatchObject({ verdict: 'grade', grade: '◎', explanation: null });
    expect(r.rate).toBeCloseTo(-61.11, 2);
  });

  it('a kind the KPI states as its method is reproduced, not explained', () => {
    const row = { baseline: fig(16), actual: fig(17), target: fig(16), publishedRate: rate(106) };
    expect(reconcile(row).verdict).toBe('explained');
    expect(reconcile({ ...row, method: 'ratio-method' })).toMatchObject({ verdict: 'reproduced', explanation: { kind: 'ratio-method' } });
    const inv = { baseline: fig(1286, 0, 'g'), actual: fig(1310, 0, 'g'), target: fig(980, 0, 'g'), publishedRate: rate(74.8, 1), method: 'inverse-ratio' as const };
    expect(reconcile(inv).verdict).toBe('reproduced');
  });
});
