import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findParentPlanCycle } from '../../core/plan/plan.ts';
import { readPlanData } from './plan-data.reader.ts';

/*
 * Parent plans form a forest (issue 13 attacked): a plan file whose 基本計画 names itself, or
 * whose 基本構想 and 基本計画 name each other, was imported as is; it is refused with the path.
 */

const seed = () => JSON.parse(readFileSync(new URL('../../../data/seeds/ichinoseki.json', import.meta.url), 'utf8'));

describe('parent plans', () => {
  it('finds a cycle of any length, and none in a forest', () => {
    expect(findParentPlanCycle([{ id: 'a' }, { id: 'b', parentPlanId: 'a' }, { id: 'c', parentPlanId: 'b' }])).toBeNull();
    expect(findParentPlanCycle([{ id: 'a', parentPlanId: 'a' }])).toEqual(['a', 'a']);
    expect(findParentPlanCycle([{ id: 'x' }, { id: 'a', parentPlanId: 'c' }, { id: 'b', parentPlanId: 'a' }, { id: 'c', parentPlanId: 'b' }])).toEqual(['a', 'c', 'b', 'a']);
    expect(findParentPlanCycle([{ id: 'a', parentPlanId: 'gone' }])).toBeNull();
  });

  it('a plan data file with a cycle of parent plans is refused at the plan', () => {
    expect(readPlanData(seed()).ok).toBe(true);
    const self = seed();
    self.plans[1].parentPlan = self.plans[1].id;
    const r = readPlanData(self);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual([expect.objectContaining({ path: 'plans.1.parentPlan', message: expect.stringContaining('cycle') })]);
    const pair = seed();
    pair.plans[1].parentPlan = pair.plans[2].id;
    pair.plans[2].parentPlan = pair.plans[1].id;
    const p = readPlanData(pair);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.error[0]!.message).toContain(`${pair.plans[1].id} → ${pair.plans[2].id} → ${pair.plans[1].id}`);
  });
});
