import { describe, expect, it } from 'vitest';
import { readSeedCities } from '../formats/plan-data/plan-data.file.ts';
import { buildPlanReport, internationalSummary, planRollup } from './plan-report.service.ts';

const cities = await readSeedCities();
const ichinoseki = cities.find((c) => c.city.id === 'ichinoseki')!;

describe('plan report', () => {
  const plan = ichinoseki.plans.find((p) => p.kind === 'sdgs-future-city')!;
  const report = buildPlanReport(ichinoseki, plan);

  it('evaluates every KPI row of the plan against the row target', () => {
    expect(report.rows).toHaveLength(12);
    const farmers = report.rows.find((r) => r.kpi.name.startsWith('新規就農者数'))!;
    expect(farmers.evaluation?.target.id).toBe('2025');
    expect(farmers.evaluation?.status.status).toBe('on-track');
    const graduates2023 = report.rows.filter((r) => r.kpi.name.startsWith('新規高卒者')).map((r) => r.evaluation?.target.id);
    expect(graduates2023.sort()).toEqual(['2023', '2025']);
  });

  it('rolls the tree up so each section and initiative has a status', () => {
    const top = plan.nodes.map((n) => report.rollups.get(n.id)!);
    expect(top.every((r) => r.status !== 'no-data')).toBe(true);
    const overall = planRollup(report);
    expect(overall.counts.achieved + overall.counts['on-track'] + overall.counts.behind + overall.counts.worsening + overall.counts.missed).toBe(12);
    expect(overall.progress).toBeGreaterThan(0);
  });

  it('counts rows by the UN Progress Chart and Open SDG methods', () => {
    const s = internationalSummary(report);
    expect(Object.values(s.un).reduce((a, b) => a + b, 0)).toBe(12);
    expect(Object.values(s.openSdg).reduce((a, b) => a + b, 0)).toBe(12);
    expect(s.openSdg['target-achieved']).toBeGreaterThanOrEqual(4);
  });

  it('shares KPIs: the latter basic plan evaluates the SDGs KPIs under its policies', () => {
    const basic = ichinoseki.plans.find((p) => p.kind === 'basic-plan')!;
    const r = buildPlanReport(ichinoseki, basic);
    expect(r.rows.map((x) => x.node.code)).toEqual(expect.arrayContaining(['1-1', '1-2', '1-4', '4-3']));
  });
});
