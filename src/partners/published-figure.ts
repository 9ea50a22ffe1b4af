import { z } from 'zod';
import type { Executor } from '../storage/database.ts';
import { listPublishedFigures, replacePublishedFigures } from '../kpis/figures.repository.ts';
import { toNumber } from '../storage/columns.ts';

/**
 * Figures a city published about its partner programme (22 registered groups at 令和6年8月,
 * Tsukuba's 491 individual and 183 group members…): dated, with the document and the passage
 * they come from, shown as published figures and kept apart from the platform's own records,
 * sample records included, which never count (issue 10.5).
 */

/** What a published figure counts. */
export const PUBLISHED_FIGURE_SUBJECTS = ['registered-partners', 'individual-members', 'group-members', 'courses-held', 'award-applications', 'award-winners', 'dispatches-held'] as const;
export type PublishedFigureSubject = (typeof PUBLISHED_FIGURE_SUBJECTS)[number];

/** A published figure as the seed files write it (data/seeds/partners/<city>.json, `publishedFigures`). */
export const publishedFigureSchema = z.object({
  /** Stable slug within the city, named by bindings (`startFrom`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  subject: z.enum(PUBLISHED_FIGURE_SUBJECTS),
  label: z.string().trim().min(1),
  labelEn: z.string().trim().min(1).nullable().optional(),
  value: z.number().nonnegative(),
  unit: z.string().trim().min(1),
  /** The date the figure stands for: YYYY, YYYY-MM or YYYY-MM-DD (a year's total: YYYY with period year-total). */
  asOf: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  period: z.enum(['as-of', 'year-total']),
  /** The published document, as a reader can find it. */
  document: z.string().trim().min(1),
  /** The transcribed text file of that document in the project's sources. */
  source: z.string().trim().min(1),
  /** The passage the figure is read from, verbatim (line breaks joined). */
  passage: z.string().trim().min(1),
});
export type PublishedFigureInput = z.infer<typeof publishedFigureSchema>;

/** A published figure as the app uses it. */
export interface PublishedFigure {
  readonly id: string;
  readonly subject: PublishedFigureSubject;
  readonly label: string;
  readonly labelEn: string | null;
  readonly value: number;
  readonly unit: string;
  readonly asOf: string;
  readonly period: 'as-of' | 'year-total';
  readonly document: string;
  readonly source: string;
  readonly passage: string;
}

/** A city's published figures in their order. */
export async function publishedFiguresOf(db: Executor, cityId: string): Promise<PublishedFigure[]> {
  return (await listPublishedFigures(db, cityId)).map((r) => ({
    id: r.slug,
    subject: r.subject as PublishedFigureSubject,
    label: r.label,
    labelEn: r.label_en,
    value: toNumber(r.value),
    unit: r.unit,
    asOf: r.as_of,
    period: r.period,
    document: r.document,
    source: r.source,
    passage: r.passage,
  }));
}

/** Stores a city's published figures (replacing the stored set). */
export async function savePublishedFigures(db: Executor, cityId: string, figures: readonly PublishedFigureInput[]): Promise<void> {
  await replacePublishedFigures(
    db,
    cityId,
    figures.map((f, position) => ({
      city_id: cityId,
      slug: f.id,
      position,
      subject: f.subject,
      label: f.label,
      label_en: f.labelEn ?? null,
      value: f.value,
      unit: f.unit,
      as_of: f.asOf,
      period: f.period,
      document: f.document,
      source: f.source,
      passage: f.passage,
    })),
  );
}

/** The last day (ISO) a published figure stands for: the end of its month or year. */
export function publishedFigureEnd(f: Pick<PublishedFigure, 'asOf'>): string {
  const [y, m, d] = f.asOf.split('-').map(Number) as [number, number | undefined, number | undefined];
  if (d !== undefined) return f.asOf;
  if (m !== undefined) return `${f.asOf}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
  return `${y}-12-31`;
}
