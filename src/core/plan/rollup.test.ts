import { describe, expect, it } from 'vitest';
import type { PlanNode } from './plan.ts';
import { rollupNode, type KpiProgress } from './rollup.ts';

const node = (id: string, kpis: string[], children: PlanNode[] = [], weights: Record<string, number> = {}): PlanNode => ({
  id,
  kind: 'goal',
  title: id,
  children,
  kpiRows: kpis.map((k) => ({ kpiId: k, weight: weights[k] })),
});

const progress: Record<string, KpiProgress> = {
  over: { status: 'achieved', progress: 345, expectedProgress: 60 },
  half: { status: 'behind', progress: 40, expectedProgress: 60 },
  bad: { status: 'worsening', progress: -9, expectedProgress: 40 },
  none: { status: 'no-data', progress: null, expectedProgress: null },
};

describe('rollupNode', () => {
  it('averages children capped at 100 % so one over-achiever cannot hide the others', () => {
    const r = rollupNode(node('g', ['over', 'half']), (id) => progress[id]);
    expect(r.progress).toBe(70);
    expect(r.expectedProgress).toBe(60);
    expect(r.status).toBe('on-track');
    expect(r.counts).toMatchObject({ achieved: 1, behind: 1 });
  });

  it('honours weights and nests', () => {
    const child = node('p', ['half', 'bad'], [], { half: 3 });
    const r = rollupNode(node('g', ['over'], [child]), (id) => progress[id]);
    expect(r.children[0]!.progress).toBe(30); // (3×40 + 1×0) / 4
    expect(r.progress).toBe(65); // (100 + 30) / 2
  });

  it('is worsening when half or more of its KPIs worsen, and no-data without data', () => {
    expect(rollupNode(node('g', ['bad', 'half']), (id) => progress[id]).status).toBe('worsening');
    expect(rollupNode(node('g', ['none']), (id) => progress[id]).status).toBe('no-data');
  });

  it('applies the rule to direct parts: one worsening child policy is one part (case 20)', () => {
    // Case 20: a goal with 3 KPIs at 90 % (expected 50 %) and a policy with 2 worsening KPIs.
    const p: Record<string, KpiProgress> = {
      a: { status: 'on-track', progress: 90, expectedProgress: 50 },
      b: { status: 'on-track', progress: 90, expectedProgress: 50 },
      c: { status: 'on-track', progress: 90, expectedProgress: 50 },
      d: { status: 'worsening', progress: -20, expectedProgress: 50 },
      e: { status: 'worsening', progress: -20, expectedProgress: 50 },
    };
    const r = rollupNode(node('goal', ['a', 'b', 'c'], [node('policy', ['d', 'e'])]), (id) => p[id]);
    expect(r.children[0]!.status).toBe('worsening');
    expect(r.status).toBe('on-track');
    expect(r.progress).toBe(67.5); // (3 × 90 + 1 × 0) / 4
    expect(r.worseningWeight).toBe(1);
    expect(r.totalWeight).toBe(4);
    expect(r.counts).toMatchObject({ 'on-track': 3, worsening: 2 });
    expect(r.parts.map((x) => `${x.kind}:${x.id}:${x.status}`)).toEqual(['kpi:a:on-track', 'kpi:b:on-track', 'kpi:c:on-track', 'node:policy:worsening']);
    expect(r.record.explanation.ja).toContain('悪化の重み 1 / 4');
  });

  it('is worsening when worsening direct parts hold half the weight, whatever their number', () => {
    expect(rollupNode(node('g', ['bad', 'half', 'over']), (id) => progress[id]).status).not.toBe('worsening');
    expect(rollupNode(node('g', ['bad', 'half', 'over'], [], { bad: 2 }), (id) => progress[id]).status).toBe('worsening');
  });

  it('leaves out KPIs without data and KPIs that cannot be evaluated instead of dragging the node down', () => {
    const r = rollupNode(node('g', ['over', 'none', 'missing']), (id) => progress[id]);
    expect(r.status).toBe('achieved');
    expect(r.progress).toBe(100);
    expect(r.totalWeight).toBe(1);
    expect(r.parts.map((x) => [x.id, x.status, x.counted])).toEqual([
      ['over', 'achieved', true],
      ['none', 'no-data', false],
      ['missing', 'not-applicable', false],
    ]);
    expect(r.record.explanation.en).toContain('2 part(s) without data or not applicable left out');
    // A child node without data is left out of its parent too.
    const parent = rollupNode(node('p', ['half'], [node('empty', ['none'])]), (id) => progress[id]);
    expect(parent.progress).toBe(40);
    expect(parent.parts[1]).toMatchObject({ kind: 'node', status: 'no-data', counted: false });
  });

  it('shows the weights it used', () => {
    const r = rollupNode(node('g', ['half', 'over'], [], { half: 3 }), (id) => progress[id]);
    expect(r.parts.map((x) => x.weight)).toEqual([3, 1]);
    expect(r.progress).toBe(55); // (3 × 40 + 100) / 4
    expect(r.record.explanation.ja).toContain('重み付き');
  });
});
