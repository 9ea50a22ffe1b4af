import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPlanData } from './plan-data.reader.ts';

const seed = (name: string) => JSON.parse(readFileSync(new URL(`../../../data/seeds/${name}.json`, import.meta.url), 'utf8'));

describe('the sheet form settings in the plan data file (issue 14)', () => {
  it('reads the layout, 第N期, the dated reports and the narratives\' sections', () => {
    const r = readPlanData(seed('tsukuba'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const plan = r.value.plans[0]!;
    expect(plan).toMatchObject({ sheetLayout: 'result-report', periodOrdinal: 2, sheetReports: [{ year: 2023, kind: 'report', submittedOn: '2024-09', documentId: 'tsukuba-progress-sheet-2024-09' }] });
    expect(plan.narratives.filter((n) => n.section === 'overview-6')).toHaveLength(2);
    const i = readPlanData(seed('ichinoseki'));
    expect(i.ok && i.value.plans[0]!.sheetLayout).toBeUndefined();
  });

  it('refuses a report the layout does not have, a year outside the period, an unknown document, a second report, a bad month and an unknown section, naming where', () => {
    const bad = seed('ichinoseki');
    bad.plans[0].sheets.reports.push(
      { year: 2023, kind: 'report', submitted: '2024-09' },
      { year: 2030, kind: 'progress', submitted: '2024-09' },
      { year: 2022, kind: 'progress', submitted: '2024-09', document: 'nope' },
      { year: 2023, kind: 'progress', submitted: '2024-10' },
    );
    bad.plans[0].narratives[0].section = 'somewhere';
    let r = readPlanData(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.path)).toEqual(expect.arrayContaining(['plans.0.narratives.0.section']));
    bad.plans[0].narratives[0].section = 'overview-1';
    r = readPlanData(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual([
      { path: 'plans.0.sheets.reports.2.kind', message: 'the cabinet-office layout has no "report" sheet (it has progress, summary)' },
      { path: 'plans.0.sheets.reports.3.year', message: '2030 is not a year of the plan period 2021–2023' },
      { path: 'plans.0.sheets.reports.4.document', message: 'unknown document "nope"' },
      { path: 'plans.0.sheets.reports.5', message: 'a second report for 2023 progress' },
    ]);
    const month = seed('ichinoseki');
    month.plans[0].sheets.reports[0].submitted = '2024-9';
    const m = readPlanData(month);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error.map((p) => p.path)).toContain('plans.0.sheets.reports.0.submitted');
  });
});
