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
});
