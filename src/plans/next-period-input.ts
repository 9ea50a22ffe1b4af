import { z } from 'zod';
import type { Kpi } from '../core/kpi/kpi.ts';
import { parseFigure, parsePeriodYear, parseTimePoint } from '../core/notation/index.ts';
import type { CarriedKpi, NextPeriodInput } from './next-period.ts';
import { describeTextProblem, type TextProblem } from '../core/text.ts';
import { freeText } from './plan-form.ts';

/*
 * The next period as typed: the staff form's fields or the CLI's options, read into a
 * NextPeriodInput with a problem per field (zod for the shape; core/notation for the time
 * points and figures as cities write them: 「2026年」「令和8年度」「200 件」).
 */

/** The fields as typed; each KPI's target is its time point and figure, both optional. */
export const nextPeriodFieldsSchema = z.object({
  fromPlanId: z.string().trim().min(1).max(200),
  newPlanId: z.string().trim().max(200),
  title: freeText(500, 'single-line').optional(),
  periodStart: z.string().trim().max(20),
  periodEnd: z.string().trim().max(20),
  kpis: z
    .array(z.object({ kpiId: z.string().trim().min(1).max(200), targetAt: z.string().trim().max(100).optional(), targetValue: z.string().trim().max(100).optional(), reason: freeText(2000, 'multi-line').optional() }))
    .max(1000),
});
export type NextPeriodFields = z.input<typeof nextPeriodFieldsSchema>;

/** A field the input could not be read from, and why (Japanese, English). */
export interface NextPeriodFieldProblem {
  /** `id`, `from`, `to`, `title`, `kpis`, or `target:<kpi id>`. */
  readonly field: string;
  readonly ja: string;
  readonly en: string;
}

export type NextPeriodFieldsResult = { readonly ok: true; readonly input: NextPeriodInput } | { readonly ok: false; readonly problems: readonly NextPeriodFieldProblem[] };

/**
 * Reads the typed fields. Years are 4-digit (全角 accepted); a KPI's target needs both its time
 * point and its value, the value in the KPI's unit (a figure in another unit is refused: 千t
 * typed for t is a factor of 1,000). `kpiOf` finds the KPI of an id (unknown ids are left to
 * buildNextPeriod, which says they are not in the plan).
 */
export function readNextPeriodFields(fields: NextPeriodFields, kpiOf: (id: string) => Kpi | undefined, decidedOn: string): NextPeriodFieldsResult {
  const shape = nextPeriodFieldsSchema.safeParse(fields);
  if (!shape.success) {
    return {
      ok: false,
      problems: shape.error.issues.map((i) => {
        // A KPI's reason is shown next to that KPI's target; the title next to the title.
        const kpi = i.path[0] === 'kpis' && typeof i.path[1] === 'number' ? fields.kpis[i.path[1]]?.kpiId : undefined;
        const field = kpi !== undefined ? `target:${kpi}` : String(i.path[0] ?? '');
        const text = i.code === 'custom' ? (i.params as { textProblem?: TextProblem } | undefined)?.textProblem : undefined;
        if (text) {
          const d = describeTextProblem(text);
          const label = i.path.at(-1) === 'reason' ? { ja: `指標「${kpi}」の見直しの理由`, en: `the reason for KPI "${kpi}"` } : { ja: '計画の名称', en: 'the plan title' };
          return { field, ja: `${label.ja}に${d.ja}`, en: `${label.en} ${d.en}` };
        }
        return { field, ja: `入力が正しくありません（${i.path.join('.')}：${i.message}）`, en: `invalid input (${i.path.join('.')}: ${i.message})` };
      }),
    };
  }
  const f = shape.data;
  const problems: NextPeriodFieldProblem[] = [];
  // 「2024」「２０２４」「2024年度」「令和6年度」 as the plan builder reads a period's year (core/notation).
  const year = (s: string, field: string): number => {
    const read = parsePeriodYear(s);
    if (read.ok) return read.value;
    problems.push({ field, ja: `年は「2024」「令和6年度」のように一つの年で入力してください（「${s}」）`, en: `give one year such as 2024 or 令和6年度 ("${s}")` });
    return NaN;
  };
  const periodStart = year(f.periodStart, 'from');
  const periodEnd = year(f.periodEnd, 'to');
  const kpis: CarriedKpi[] = [];
  for (const k of f.kpis) {
    const at = k.targetAt ?? '';
    const value = k.targetValue ?? '';
    const field = `target:${k.kpiId}`;
    if (at === '' && value === '') {
      kpis.push({ kpiId: k.kpiId, ...(k.reason && { reason: k.reason }) });
      continue;
    }
    if (at === '' || value === '') {
      problems.push({ field, ja: `指標「${k.kpiId}」の目標は時点と値の両方を入力してください`, en: `the target of KPI "${k.kpiId}" needs both its time point and its value` });
      continue;
    }
    const t = parseTimePoint(at);
    if (!t.ok) problems.push({ field, ja: t.error.messageJa, en: t.error.message });
    const kpi = kpiOf(k.kpiId);
    const v = parseFigure(value, kpi ? { expectedUnit: kpi.unit } : {});
    if (!v.ok) problems.push({ field, ja: v.error.messageJa, en: v.error.message });
    if (t.ok && v.ok) kpis.push({ kpiId: k.kpiId, target: { at: t.value, value: v.value.value, decimals: v.value.decimals }, ...(k.reason && { reason: k.reason }) });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, input: { fromPlanId: f.fromPlanId, newPlanId: f.newPlanId, ...(f.title && { title: f.title }), periodStart, periodEnd, kpis, decidedOn } };
}

/** Reads the CLI's `--target KPI=TIME:VALUE` (e.g. `new-farmers=2026年:200人`) into the form's fields. */
export function parseTargetOption(option: string): { kpiId: string; targetAt: string; targetValue: string } | null {
  const m = /^([^=]+)=([^:：]+)[:：](.+)$/.exec(option.trim());
  if (!m) return null;
  return { kpiId: m[1]!.trim(), targetAt: m[2]!.trim(), targetValue: m[3]!.trim() };
}
