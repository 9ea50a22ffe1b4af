import type { StatusOverride } from '../../core/city/city.ts';
import type { KpiEvaluation } from '../../core/kpi/kpi-evaluation.ts';
import type { KpiStatus } from '../../core/kpi/status.ts';
import { nextTarget } from '../../core/kpi/kpi-definition.ts';
import { formatTimePointWareki } from '../../core/notation/index.ts';
import { textColourOn, type SdgGoal } from '../../core/sdg/sdg-framework.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { fill } from './fill.ts';
import { formatQuantity, formatRate, formatTime } from './format.ts';
import { rateBar, statusBadge } from './status-badge.tsx';
import { joinMarkup, markup, type Markup } from './markup.ts';
import { localized, type ViewContext } from './view-context.ts';
import { kpiTableRowOf, type KpiTableItem, type KpiTableRow, type RowFigure } from '../../kpis/kpi-table-row.model.ts';

/** The public URL of a KPI page. */
export const kpiPath = (cityId: string, kpiId: string) => `/cities/${cityId}/kpis/${kpiId}`;
/** The public URL of an SDG goal page. */
export const goalPath = (goalId: string) => `/sdgs/${goalId}`;

/**
 * A time point as Japanese readers expect it: 西暦 first, with 和暦 beside fiscal years
 * (「2021年度（令和3年度）」), the way the cities' plans print them; English as is.
 */
export function timeLabel(t: TimePoint, lang: 'ja' | 'en'): string {
  const western = formatTime(t, lang);
  if (lang !== 'ja') return western;
  const fy = t.kind === 'fiscal-year' || (t.kind === 'period' && t.to.kind === 'fiscal-year');
  return fy ? `${western}（${formatTimePointWareki(t)}）` : western;
}

/** A year heading as commentary and evaluations are dated: 「2024年（令和6年）」, "2024". */
export function yearLabel(year: number, lang: 'ja' | 'en'): string {
  return lang === 'ja' ? `${year}年（${formatTimePointWareki({ kind: 'year', year })}）` : String(year);
}

/** An ISO date (YYYY-MM-DD) as readers expect it: 「2026年11月26日」, "26 November 2026". */
export function dateLabel(iso: string, lang: 'ja' | 'en'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (lang === 'ja') return `${y}年${mo}月${d}日`;
  return new Date(Date.UTC(y, mo - 1, d)).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * A KPI's status: the computed badge and, when the secretariat set another status, that one
 * beside it, each labelled so the two are never confused. `reason` adds the justification and
 * date (table cells and cards; the KPI page shows them in {@link OverrideNote}). As markup:
 * every KPI row shows one (markup.ts).
 */
export function statusWithOverride(ctx: ViewContext, status: KpiStatus, override: Pick<StatusOverride, 'status' | 'justification' | 'decidedOn'> | null | undefined, title?: string, reason = false): Markup {
  if (!override) return statusBadge(ctx, status, title);
  const why = reason ? markup`<span class="override-reason">${fill(ctx.t('pub.override.reasonLine'), { justification: override.justification, date: dateLabel(override.decidedOn, ctx.lang) })}</span>` : null;
  return markup`<span class="status-pair"><span class="status-item"><span class="status-role">${ctx.t('pub.override.computed')}</span> ${statusBadge(ctx, status, title)}</span><span class="status-item status-set"><span class="status-role">${ctx.t('pub.override.set')}</span> ${statusBadge(ctx, override.status)}</span>${why}</span>`;
}

/** {@link statusWithOverride} as a component. */
export function StatusWithOverride(props: { ctx: ViewContext; status: KpiStatus; override?: Pick<StatusOverride, 'status' | 'justification' | 'decidedOn'> | null | undefined; title?: string | undefined; reason?: boolean }) {
  return statusWithOverride(props.ctx, props.status, props.override, props.title, props.reason ?? false);
}

/** The secretariat's override as a sentence with its justification: "Computed: behind; set by the secretariat: on track (…)". */
export function OverrideNote(props: { ctx: ViewContext; status: KpiStatus; override: StatusOverride }) {
  const { ctx, override } = props;
  return (
    <div class="override-note">
      <p>
        {fill(ctx.t('pub.override.sentence'), {
          computed: ctx.t(`status.${props.status}`),
          status: ctx.t(`status.${override.status}`),
          date: dateLabel(override.decidedOn, ctx.lang),
        })}
      </p>
      <p>
        <span class="override-reason-label">{ctx.t('pub.override.reason')}</span>
        <span class="prewrap">{override.justification}</span>
      </p>
    </div>
  );
}

/** A value with its unit and separators, or a dash. */
export function quantityLabel(ctx: ViewContext, v: { value: number; decimals?: number } | undefined | null, unit: string): string {
  return v ? formatQuantity(v.value, v.decimals, unit, ctx.lang) : '—';
}

/** The rate label a table shows: the KPI's rate, or actual/target marked where progress is undefined. */
export function rateLabel(ctx: ViewContext, e: KpiEvaluation | null): string {
  return achievementLabel(ctx, e?.status.achievement ?? null);
}

/** {@link rateLabel} of an achievement's two rates (null: the KPI has no achievement). */
export function achievementLabel(ctx: ViewContext, a: { readonly rate: number | null; readonly displayRate: number | null } | null): string {
  if (!a) return '—';
  return a.rate === null ? `${formatRate(a.displayRate, ctx.lang)} (${ctx.t('rate.undefined')})` : formatRate(a.rate, ctx.lang);
}

/** {@link rateLabel} of a table row: the same label read from the row's rates. */
export function rowRateLabel(ctx: ViewContext, r: Pick<KpiTableRow, 'rate' | 'displayRate'>): string {
  if (r.displayRate === null) return '—';
  return r.rate === null ? `${formatRate(r.displayRate, ctx.lang)} (${ctx.t('rate.undefined')})` : formatRate(r.rate, ctx.lang);
}

/** Links to the CSV and JSON form of the current page (`?format=`), announced as downloads. */
export function DownloadLinks(props: { ctx: ViewContext; base: string; json?: string; label?: string }) {
  const { ctx } = props;
  const sep = props.base.includes('?') ? '&' : '?';
  return (
    <p class="downloads">
      <span class="downloads-label">{props.label ?? ctx.t('pub.download.thisPage')}</span>
      <a href={`${props.base}${sep}format=csv`} download>
        {ctx.t('pub.download.csv')}
      </a>
      <a href={props.json ?? `${props.base}${sep}format=json`}>{ctx.t('pub.download.json')}</a>
    </p>
  );
}

/** A goal's coloured number chip linking to its page. */
export function GoalChip(props: { ctx: ViewContext; goal: SdgGoal; link?: boolean }) {
  const { ctx, goal } = props;
  const style = `background:${goal.colour};color:${textColourOn(goal.colour)}`;
  const label = `${ctx.t('pub.sdg.goal')} ${goal.id}`;
  return props.link === false ? (
    <span class="goal-chip" style={style} title={localized(ctx, goal.short.ja, goal.short.en)}>
      {label}
    </span>
  ) : (
    <a class="goal-chip" style={style} href={ctx.href(goalPath(goal.id))} title={localized(ctx, goal.short.ja, goal.short.en)}>
      {label}
    </a>
  );
}

/**
 * The next target after today with its time (Open SDG #1318: future targets visible in every
 * table), or a note that no target is still ahead, as a table cell. `today` is the Tokyo date
 * from the one clock.
 */
export function nextTargetCell(ctx: ViewContext, targets: readonly { at: TimePoint; value: number; decimals?: number | undefined }[], unit: string, today: string): Markup {
  const next = nextTarget(targets, today);
  const label = ctx.t('cmp.nextTarget');
  return next
    ? markup`<td class="num" data-label="${label}">${quantityLabel(ctx, next, unit)}<span class="cell-note">${timeLabel(next.at, ctx.lang)}</span></td>`
    : markup`<td class="num" data-label="${label}"><span class="muted">${ctx.t('cmp.nextTarget.none')}</span></td>`;
}

/** {@link nextTargetCell} as a component. */
export function NextTargetCell(props: { ctx: ViewContext; targets: readonly { at: TimePoint; value: number; decimals?: number }[]; unit: string; today: string }) {
  return nextTargetCell(props.ctx, props.targets, props.unit, props.today);
}

/** A table's header row: one column heading per label (null: no such column). */
export function columnHeads(labels: readonly (string | null)[]): Markup {
  return markup`<thead><tr>${labels.map((l) => (l === null ? null : markup`<th scope="col">${l}</th>`))}</tr></thead>`;
}

/**
 * KPIs with their latest actual, the target they are measured against, the next target after
 * `today` (Tokyo date), achievement bar, status and forecast, each linking to its page. `items`
 * are a city's evaluated KPIs, `rows` any rows already in the table's shape (cross-city
 * summaries); `showCity` adds the city (with its prefecture) as the first column. The rows are
 * built as markup (markup.ts): a city's list can hold 300 KPIs.
 */
export function KpiTable(props: { ctx: ViewContext; items?: readonly KpiTableItem[]; rows?: readonly KpiTableRow[]; showCity?: boolean; caption?: string; today: string }) {
  const { ctx } = props;
  const rows = props.rows ?? (props.items ?? []).map(kpiTableRowOf);
  const label = {
    city: ctx.t('pub.city'),
    latest: ctx.t('kpi.latest'),
    target: ctx.t('kpi.target'),
    next: ctx.t('cmp.nextTarget'),
    noNext: ctx.t('cmp.nextTarget.none'),
    rate: ctx.t('kpi.rate'),
    undefinedRate: ctx.t('rate.undefined'),
    status: ctx.t('kpi.status'),
    forecast: ctx.t('kpi.forecast'),
  };
  const figure = (f: RowFigure | null, unit: string) =>
    f ? markup`${formatQuantity(f.value, f.decimals, unit, ctx.lang)}<span class="cell-note">${timeLabel(f.at, ctx.lang)}</span>` : '—';
  const body = rows.map((r) => {
    const next = nextTarget(r.targets, props.today);
    const rate = rowRateLabel(ctx, r);
    const city = props.showCity
      ? markup`<td data-label="${label.city}">${localized(ctx, r.city.name, r.city.nameEn)}<span class="cell-note">${localized(ctx, r.city.prefecture, r.city.prefectureEn)}</span></td>`
      : null;
    const targets = r.sdgTargets.length > 0 ? markup`<span class="sdg-targets">【${r.sdgTargets.join(', ')}】</span>` : null;
    return markup`<tr>${city}<th scope="row"><a href="${ctx.href(kpiPath(r.city.id, r.kpiId))}">${localized(ctx, r.name, r.nameEn)}</a>${targets}</th><td class="num" data-label="${label.latest}">${figure(r.latest, r.unit)}</td><td class="num" data-label="${label.target}">${figure(r.target, r.unit)}</td><td class="num" data-label="${label.next}">${next ? figure(next, r.unit) : markup`<span class="muted">${label.noNext}</span>`}</td><td data-label="${label.rate}">${rateBar(r.displayRate, rate)}</td><td data-label="${label.status}">${statusWithOverride(ctx, r.status, r.override, undefined, true)}</td><td data-label="${label.forecast}">${ctx.t(`forecast.${r.forecast}`)}</td></tr>`;
  });
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={props.caption ?? ctx.t('pub.kpi.list')}>
      <table class="kpi-table kpi-cards">
        {props.caption ? <caption class="visually-hidden">{props.caption}</caption> : null}
        {columnHeads([props.showCity ? label.city : null, ctx.t('kpi.name'), label.latest, label.target, label.next, label.rate, label.status, label.forecast])}
        <tbody>{joinMarkup(body)}</tbody>
      </table>
    </div>
  );
}
