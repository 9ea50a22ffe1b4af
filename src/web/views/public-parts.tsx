import type { City, StatusOverride } from '../../core/city/city.ts';
import type { KpiEvaluation } from '../../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../../core/kpi/kpi.ts';
import type { KpiStatus } from '../../core/kpi/status.ts';
import { nextTarget } from '../../core/kpi/kpi-definition.ts';
import { formatTimePointWareki } from '../../core/notation/index.ts';
import { textColourOn, type SdgGoal } from '../../core/sdg/sdg-framework.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { fill } from './fill.ts';
import { formatQuantity, formatRate, formatTime } from './format.ts';
import { RateBar, StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

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
 * date (table cells and cards; the KPI page shows them in {@link OverrideNote}).
 */
export function StatusWithOverride(props: { ctx: ViewContext; status: KpiStatus; override?: StatusOverride | null | undefined; title?: string; reason?: boolean }) {
  const { ctx, override } = props;
  if (!override) return <StatusBadge ctx={ctx} status={props.status} title={props.title} />;
  return (
    <span class="status-pair">
      <span class="status-item">
        <span class="status-role">{ctx.t('pub.override.computed')}</span> <StatusBadge ctx={ctx} status={props.status} title={props.title} />
      </span>
      <span class="status-item status-set">
        <span class="status-role">{ctx.t('pub.override.set')}</span> <StatusBadge ctx={ctx} status={override.status} />
      </span>
      {props.reason ? (
        <span class="override-reason">{fill(ctx.t('pub.override.reasonLine'), { justification: override.justification, date: dateLabel(override.decidedOn, ctx.lang) })}</span>
      ) : null}
    </span>
  );
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
  const a = e?.status.achievement ?? null;
  if (!a) return '—';
  return a.rate === null ? `${formatRate(a.displayRate, ctx.lang)} (${ctx.t('rate.undefined')})` : formatRate(a.rate, ctx.lang);
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

/** A row of a KPI table: a KPI of some city with its current evaluation. */
export interface KpiTableItem {
  readonly city: City;
  readonly kpi: Kpi;
  readonly evaluation: KpiEvaluation | null;
  /** The status the secretariat set instead of the computed one, if any. */
  readonly override?: StatusOverride | undefined;
}

/**
 * The next target after today with its time (Open SDG #1318: future targets visible in every
 * table), or a note that no target is still ahead. `today` is the Tokyo date from the one clock.
 */
export function NextTargetCell(props: { ctx: ViewContext; targets: readonly { at: TimePoint; value: number; decimals?: number }[]; unit: string; today: string }) {
  const { ctx } = props;
  const next = nextTarget(props.targets, props.today);
  return (
    <td class="num" data-label={ctx.t('cmp.nextTarget')}>
      {next ? (
        <>
          {quantityLabel(ctx, next, props.unit)}
          <span class="cell-note">{timeLabel(next.at, ctx.lang)}</span>
        </>
      ) : (
        <span class="muted">{ctx.t('cmp.nextTarget.none')}</span>
      )}
    </td>
  );
}

/**
 * KPIs with their latest actual, the target they are measured against, the next target after
 * `today` (Tokyo date), achievement bar, status and forecast, each linking to its page.
 */
export function KpiTable(props: { ctx: ViewContext; items: readonly KpiTableItem[]; showCity?: boolean; caption?: string; today: string }) {
  const { ctx } = props;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={props.caption ?? ctx.t('pub.kpi.list')}>
      <table class="kpi-table kpi-cards">
        {props.caption ? <caption class="visually-hidden">{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.showCity ? <th scope="col">{ctx.t('pub.city')}</th> : null}
            <th scope="col">{ctx.t('kpi.name')}</th>
            <th scope="col">{ctx.t('kpi.latest')}</th>
            <th scope="col">{ctx.t('kpi.target')}</th>
            <th scope="col">{ctx.t('cmp.nextTarget')}</th>
            <th scope="col">{ctx.t('kpi.rate')}</th>
            <th scope="col">{ctx.t('kpi.status')}</th>
            <th scope="col">{ctx.t('kpi.forecast')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map(({ city, kpi, evaluation: e, override }) => (
            <tr>
              {props.showCity ? <td data-label={ctx.t('pub.city')}>{localized(ctx, city.name, city.nameEn)}</td> : null}
              <th scope="row">
                <a href={ctx.href(kpiPath(city.id, kpi.id))}>{localized(ctx, kpi.name, kpi.nameEn)}</a>
                {kpi.sdgTargets.length > 0 ? <span class="sdg-targets">【{kpi.sdgTargets.join(', ')}】</span> : null}
              </th>
              <td class="num" data-label={ctx.t('kpi.latest')}>
                {quantityLabel(ctx, e?.latest, kpi.unit)}
                {e?.latest ? <span class="cell-note">{timeLabel(e.latest.at, ctx.lang)}</span> : null}
              </td>
              <td class="num" data-label={ctx.t('kpi.target')}>
                {quantityLabel(ctx, e?.target, kpi.unit)}
                {e ? <span class="cell-note">{timeLabel(e.target.at, ctx.lang)}</span> : null}
              </td>
              <NextTargetCell ctx={ctx} targets={kpi.targets} unit={kpi.unit} today={props.today} />
              <td data-label={ctx.t('kpi.rate')}>
                <RateBar rate={e?.status.achievement?.displayRate ?? null} label={rateLabel(ctx, e)} />
              </td>
              <td data-label={ctx.t('kpi.status')}>
                <StatusWithOverride ctx={ctx} status={e?.status.status ?? 'no-data'} override={override} reason />
              </td>
              <td data-label={ctx.t('kpi.forecast')}>{e ? ctx.t(`forecast.${e.forecast.verdict}`) : ctx.t('forecast.no-data')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
