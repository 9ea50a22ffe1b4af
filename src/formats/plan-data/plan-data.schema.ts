import { z } from 'zod';
import { INDICATOR_CODE } from '../../core/kpi/kpi-definition.ts';
import { NARRATIVE_SECTIONS, type NarrativeSection } from '../../core/plan/plan.ts';

/**
 * The plan data file: one city's plans and KPIs as JSON, with figures and dates written as the
 * city prints them ("13 人", "2024年3月", "令和５年度", "【2.3,2.4】"), so a secretariat can
 * transcribe a published sheet without converting anything. The seed cities in data/seeds/
 * use it, and `michishirube import FILE` loads it.
 */

/** A figure as printed, e.g. "1,111 社", "-21.7 ％", "74 BDt", or a bare number. */
const printedFigure = z.union([z.string().min(1), z.number()]);
/** A time point as printed: "2020年", "2021年度", "2024年3月", "令和6年8月", "2020年～2024年". */
const printedTime = z.string().min(1);

export const targetRevisionSchema = z.strictObject({
  old: printedFigure,
  new: printedFigure,
  reason: z.string().min(1),
  /** ISO date the revision was decided. */
  on: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected YYYY-MM or YYYY-MM-DD'),
});

/**
 * The unrounded value behind a printed figure (issue 10.7): `value` as a number or a numeric
 * string ("41.2"), `source` where it comes from, `basis` "stated" (a document gives it) or
 * "inferred-from-published-rate" (reconciliation inferred it from the rate the city printed).
 * It must round half up to the printed figure.
 */
export const preciseSchema = z.strictObject({
  value: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a plain number such as 41.2')]),
  source: z.string().trim().min(1),
  basis: z.enum(['stated', 'inferred-from-published-rate']).default('stated'),
});

export const kpiTargetSchema = z.strictObject({
  /** Stable within the KPI, e.g. "2025" or "2023-sheet". */
  id: z.string().min(1),
  at: printedTime,
  value: printedFigure,
  precise: preciseSchema.optional(),
  revisions: z.array(targetRevisionSchema).default([]),
});

export const observationSchema = z.strictObject({
  at: printedTime,
  value: printedFigure,
  precise: preciseSchema.optional(),
  note: z.string().optional(),
  source: z.string().optional(),
});

/** A rate (達成度) as a document published it, kept to be reconciled with the computed one. */
export const publishedRateSchema = z.strictObject({
  /** Id of an entry of `documents`. */
  document: z.string().min(1),
  /** Which observation it was computed from (its printed time point). */
  actualAt: printedTime,
  /** Which target it was computed against. */
  target: z.string().min(1),
  /** As printed: "61.1%", "-683%", "0.0%". */
  rate: z.string().min(1),
  /** The actual as printed in that document, when it differs from the observation's figure. */
  actual: printedFigure.optional(),
  /** The target as that document used it, when it has been revised since (the value before 上方修正). */
  targetValue: printedFigure.optional(),
});

export const kpiSchema = z.strictObject({
  /** ASCII slug, unique within the city. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case ASCII slug'),
  /** As printed, with flags such as ※累計, (年間), (期間累計). */
  name: z.string().min(1),
  nameEn: z.string().optional(),
  unit: z.string().min(1),
  department: z.string().optional(),
  /**
   * A standard indicator code this KPI measures ("12.5.1", or a code of another published list):
   * KPIs of several cities with one code compare side by side (issue 15.6).
   */
  indicator: z.string().regex(INDICATOR_CODE, 'expected an indicator code: letters, digits and . _ : - (at most 64, no spaces), e.g. "12.5.1"').optional(),
  /** As printed: "【2.3,2.4,8.3,8.5】", "[11.1, 11.a]", or a list of ids. */
  sdgTargets: z.union([z.string(), z.array(z.string())]),
  side: z.enum(['economy', 'society', 'environment', 'none']).default('none'),
  /** Inferred from the name's flags when absent (※累計 → cumulative, (年間) → per-year, (期間累計) → period-total). */
  aggregation: z.enum(['cumulative', 'per-year', 'snapshot', 'period-total']).optional(),
  direction: z.enum(['up', 'down']).optional(),
  method: z.enum(['progress-from-baseline', 'ratio']).default('progress-from-baseline'),
  baseline: z.strictObject({ at: printedTime, value: printedFigure, precise: preciseSchema.optional() }),
  observations: z.array(observationSchema).default([]),
  targets: z.array(kpiTargetSchema).min(1),
  publishedRates: z.array(publishedRateSchema).default([]),
  /** Free notes on the transcription (what a garbled source said, which reading was chosen). */
  notes: z.string().optional(),
});

export const planKpiRowSchema = z.strictObject({
  kpi: z.string().min(1),
  no: z.string().optional(),
  target: z.string().optional(),
  weight: z.number().positive().optional(),
  commentary: z.string().optional(),
  reflection: z.string().optional(),
});

export interface PlanNodeInput {
  code?: string | undefined;
  kind: 'vision' | 'principle' | 'goal' | 'direction' | 'policy' | 'initiative' | 'project' | 'section';
  title: string;
  titleEn?: string | undefined;
  description?: string | undefined;
  children: PlanNodeInput[];
  kpis: z.infer<typeof planKpiRowSchema>[];
}

export const planNodeSchema: z.ZodType<PlanNodeInput, unknown> = z.lazy(() =>
  z.strictObject({
    code: z.string().optional(),
    kind: z.enum(['vision', 'principle', 'goal', 'direction', 'policy', 'initiative', 'project', 'section']),
    title: z.string().min(1),
    titleEn: z.string().optional(),
    description: z.string().optional(),
    children: z.array(planNodeSchema).default([]),
    kpis: z.array(planKpiRowSchema).default([]),
  }),
) as z.ZodType<PlanNodeInput, unknown>;

export const planSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case ASCII slug'),
  kind: z.enum(['basic-concept', 'basic-plan', 'implementation-plan', 'sdgs-future-city', 'other']),
  title: z.string().min(1),
  titleEn: z.string().optional(),
  /** As printed: "2021年～2023年", "2016年度～2025年度". */
  period: printedTime,
  parentPlan: z.string().optional(),
  vision: z.string().optional(),
  versions: z
    .array(
      z.strictObject({
        label: z.string().min(1),
        kind: z.enum(['adopted', 'revised']),
        date: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected YYYY-MM or YYYY-MM-DD'),
        note: z.string().optional(),
      }),
    )
    .default([]),
  nodes: z.array(planNodeSchema).default([]),
  narratives: z
    .array(
      z.strictObject({
        kind: z.enum(['summary', 'results', 'problems', 'outlook', 'expert-evaluation', 'other']),
        title: z.string().min(1),
        body: z.string().min(1),
        year: z.number().int().optional(),
        /** Where the forms print it (issue 14); derived from kind and title when absent. */
        section: z.enum(NARRATIVE_SECTIONS as unknown as [NarrativeSection, ...NarrativeSection[]]).optional(),
      }),
    )
    .default([]),
  /** The Cabinet Office form the plan's sheets follow, its 第N期, and the dated reports (issue 14). */
  sheets: z
    .strictObject({
      layout: z.enum(['cabinet-office', 'result-report']).default('cabinet-office'),
      ordinal: z.number().int().min(1).max(99).optional(),
      reports: z
        .array(
          z.strictObject({
            year: z.number().int().min(1900).max(2200),
            kind: z.enum(['progress', 'summary', 'report']),
            /** 作成年月, YYYY-MM. */
            submitted: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
            /** The source document the sheet was published as. */
            document: z.string().min(1).optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});

export const sourceDocumentSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  /** YYYY-MM or YYYY-MM-DD. */
  published: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/),
  /** The seed file or URL it was transcribed from. */
  source: z.string().optional(),
});

export const cityDataFileSchema = z.strictObject({
  format: z.literal('michishirube-plan-data/1'),
  city: z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case ASCII slug'),
    name: z.string().min(1),
    nameEn: z.string().min(1),
    prefecture: z.string().min(1),
    prefectureEn: z.string().min(1),
    /** e.g. "2021年度選定" as a year. */
    sdgsFutureCitySince: z.number().int().optional(),
    population: z.number().int().optional(),
    description: z.string().optional(),
    /** The 6-digit 全国地方公共団体コード with its check digit ("032093"); checked by the reader. */
    localGovernmentCode: z.string().regex(/^[0-9]{6}$/, 'expected the 6-digit 全国地方公共団体コード').optional(),
    /** First month (1–12) of the fiscal year; 4 (April) when absent. */
    fiscalYearStartMonth: z.number().int().min(1).max(12).optional(),
    /** The open data licence: CC BY 4.0 (default) or 公共データ利用規約 (PDL-1.0). */
    openDataLicence: z.enum(['CC-BY-4.0', 'PDL-1.0']).optional(),
  }),
  documents: z.array(sourceDocumentSchema).default([]),
  kpis: z.array(kpiSchema).default([]),
  plans: z.array(planSchema).default([]),
});

export type CityDataFile = z.infer<typeof cityDataFileSchema>;
export type KpiInput = z.infer<typeof kpiSchema>;
/** A precise value as written in the file. */
export type PreciseInput = z.infer<typeof preciseSchema>;
export type PlanInput = z.infer<typeof planSchema>;
