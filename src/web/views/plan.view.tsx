import { sheetKindsOf } from '../../core/plan/plan.ts';
import { UnpublishedYearsNote } from './unpublished-note.tsx';
import { walkPlanNodes } from '../../core/plan/plan.ts';
import { explainRollup } from '../../core/plan/rollup.ts';
import type { InternationalSummary as InternationalSummaryCounts } from '../../plans/plan-report.service.ts';
import { PLAN_ROWS_ON_ONE_PAGE, planPageOutlineOf, plansFolded, type PlanPageKpi, type PlanPageModel, type PlanPageNode, type PlanPageOutline, type PlanPageRollup, type PlanPageRow } from '../../plans/plan-page.model.ts';
import { formatQuantity, formatRate } from './format.ts';
import { cityBreadcrumbs, layoutPage, type PageParts } from './layout.tsx';
import { fragments } from './fragment-cache.ts';
import { renderToString } from './markup.ts';
import { rateBar, statusBadge, StatusBadge } from './status-badge.tsx';
import { joinMarkup, markup } from './markup.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { localized, type ViewContext } from './view-context.ts';
import type { FilteredPlanPage, PlanFilter } from '../../plans/plan-filter.service.ts';
import { PlanFilterForm } from './plan-filter.view.tsx';
import { columnHeads, DownloadLinks, kpiPath, statusWithOverride, timeLabel, yearLabel } from './public-parts.tsx';
import { expertEvaluationsOf, otherNarrativesOf } from '../../staff/staff-notes.service.ts';
import { fill } from './fill.ts';

/** What the plan page shows: the plan's model (plans/plan-page.model.ts) as its filter narrowed it. */
export interface PlanViewProps {
  ctx: ViewContext;
  filter: PlanFilter;
  /** The filtered page: its `page` is drawn (rows and nodes narrowed; roll-ups, overall roll-up, city and years as the whole plan has them). */
  filtered: FilteredPlanPage;
  /** On a plan of more than {@link PLAN_ROWS_ON_ONE_PAGE} KPI rows: the top-level node whose KPI tables are shown (`?node=`). */
  unfolded?: string | undefined;
}

export { PLAN_ROWS_ON_ONE_PAGE, plansFolded };

/**
 * `/cities/:city/plans/:plan`: the plan tree with each KPI's latest actual, target, rate, status
 * and forecast. The page frame is rendered per request; the main content is kept per data
 * version (fragment-cache.ts): `owner` stands for the version of the data the model was built
 * from (the city's data as the store handed it out, or the version of the city's summaries the
 * model was read from: plans/plan-page.service.ts); the key adds the plan, the language, the
 * filter and the unfolded node.
 */
export function planPage(props: PlanViewProps & { owner: object }): PageParts {
  const { ctx, filter, filtered } = props;
  const page = filtered.page;
  return planMainPage({ ctx, filter, counts: filtered, outline: outlineOf(page), page, unfolded: props.unfolded }, props.owner);
}

/**
 * A folded plan page without filter nor `?node=` drawn from its outline alone
 * (plan-page.model.ts `PlanPageOutline`, as the summaries keep it): the same bytes as
 * {@link planPage} gives from the whole model, kept under the same fragment key.
 */
export function planOutlinePage(props: { ctx: ViewContext; outline: PlanPageOutline; owner: object }): PageParts {
  const { outline } = props;
  if (!plansFolded(outline)) throw new Error(`plan ${outline.plan.id}: an outline draws only a folded page`);
  return planMainPage({ ctx: props.ctx, filter: {}, counts: { active: false, matched: outline.rowCount, total: outline.rowCount }, outline }, props.owner);
}

/** What the page's main content reads: the outline always; the (filtered) model where KPI tables are drawn. */
interface PlanMainProps {
  ctx: ViewContext;
  filter: PlanFilter;
  counts: Pick<FilteredPlanPage, 'active' | 'matched' | 'total'>;
  outline: PlanPageOutline;
  /** The filtered model: needed unless the page is folded with no node unfolded. */
  page?: PlanPageModel | undefined;
  unfolded?: string | undefined;
}

function planMainPage(props: PlanMainProps, owner: object): PageParts {
  const { ctx, outline } = props;
  const unfolded = plansFolded(outline) ? (props.unfolded ?? '') : '';
  const main = fragments.get(owner, `plan\u0000${outline.plan.id}\u0000${ctx.lang}\u0000${filterQuery(props.filter)}\u0000${unfolded}`, () => renderToString(<PlanMain {...props} />));
  return layoutPage(ctx, planTitle(props), cityBreadcrumbs(ctx, outline.city), main);
}

/** The outline of a (filtered) page model, computed once per model object. */
const outlines = new WeakMap<PlanPageModel, PlanPageOutline>();
function outlineOf(page: PlanPageModel): PlanPageOutline {
  let outline = outlines.get(page);
  if (!outline) outlines.set(page, (outline = planPageOutlineOf(page)));
  return outline;
}

const planTitle = ({ ctx, outline }: PlanMainProps) => localized(ctx, outline.plan.title, outline.plan.titleEn);

/** The plan page's main content: what the plan's data, the language and the filter decide. */
function PlanMain(props: PlanMainProps) {
  const { ctx, outline } = props;
  const city = outline.city;
  const overall = outline.overall;
  const plan = outline.plan;
  const folded = plansFolded(outline);
  const title = planTitle(props);
  const cityName = localized(ctx, city.name, city.nameEn);
  return (
    <>
      <p class="muted">
        {cityName} ・ {ctx.t(`plan.kind.${plan.kind}`)} ・ {ctx.t('plan.period')} {plan.periodStart}–{plan.periodEnd}
      </p>
      <h1>{title}</h1>
      <UnpublishedYearsNote ctx={ctx} years={outline.unpublishedYears} />
      {plan.vision ? (
        <section aria-labelledby="vision-h">
          <h2 id="vision-h">{ctx.t('plan.vision')}</h2>
          <p class="prewrap">{plan.vision}</p>
        </section>
      ) : null}
      {outline.rowCount > 0 ? (
        <section aria-labelledby="summary-h">
          <h2 id="summary-h">{ctx.t('plan.summary')}</h2>
          <p>
            <StatusBadge ctx={ctx} status={overall.status} /> {formatRate(overall.progress, ctx.lang)}
          </p>
          <p class="status-line">
            {(['achieved', 'on-track', 'behind', 'worsening', 'missed', 'no-data'] as const).map((s) => (
              <span>
                <StatusBadge ctx={ctx} status={s} /> {overall.counts[s]}{' '}
              </span>
            ))}
          </p>
          <p class="muted small">{explainRollup(overall)[ctx.lang]}</p>
          <InternationalSummary ctx={ctx} summary={outline.international} />
        </section>
      ) : null}
      {props.counts.total > 0 ? (
        <PlanFilterForm ctx={ctx} action={`/cities/${city.id}/plans/${plan.id}`} filter={props.filter} filtered={props.counts} />
      ) : null}
      <section aria-labelledby="tree-h">
        <h2 id="tree-h">{ctx.t('plan.tree')}</h2>
        {outline.rowCount === 0 ? <p>{ctx.t('plan.noKpis')}</p> : <p class="muted small">{ctx.t('pub.plan.whyLead')}</p>}
        {folded ? <p class="muted small">{fill(ctx.t('pub.plan.foldedLead'), { total: String(outline.rowCount) })}</p> : null}
        {plan.nodes.map((n) =>
          folded && n.id !== props.unfolded ? (
            <FoldedNodeSection ctx={ctx} node={n} outline={outline} href={(id) => ctx.href(`/cities/${city.id}/plans/${plan.id}${filterQuery(props.filter, n.id)}`) + `#node-${id}`} />
          ) : (
            <NodeSection ctx={ctx} node={n} depth={0} report={modelOf(props)} />
          ),
        )}
      </section>
      <DownloadLinks ctx={ctx} base={ctx.href(`/cities/${city.id}/plans/${plan.id}${filterQuery(props.filter)}`)} />
      {outline.rowCount > 0 ? (
        <section aria-labelledby="sheet-h" class="sheet-downloads">
          <h2 id="sheet-h">{ctx.t('sheets.download.heading')}</h2>
          {sheetKindsOf(plan.sheetLayout).map((kind) => (
            <p>
              {ctx.t(`sheets.download.${kind}`)}：{' '}
              <a href={ctx.href(`/cities/${city.id}/plans/${plan.id}/sheet?kind=${kind}`)}>{ctx.t('sheets.download.view')}</a> ・{' '}
              <a href={ctx.href(`/cities/${city.id}/plans/${plan.id}/sheet.xlsx?kind=${kind}`)} download>{ctx.t('sheets.download.xlsx')}</a> ・{' '}
              <a href={ctx.href(`/cities/${city.id}/plans/${plan.id}/sheet.pdf?kind=${kind}`)} download>{ctx.t('sheets.download.pdf')}</a>
            </p>
          ))}
        </section>
      ) : null}
      <PlanEvaluations ctx={ctx} plan={plan} />
    </>
  );
}

/** The filtered model of a page that draws KPI tables (a folded page with no node unfolded reads only its outline). */
function modelOf(props: PlanMainProps): PlanPageModel {
  if (!props.page) throw new Error(`plan ${props.outline.plan.id}: KPI tables drawn without the model`);
  return props.page;
}

/**
 * The plan's review narratives as printed, then the expert evaluation (有識者からの評価) by year,
 * newest first. Only published years reach here: the store's public view drops the rest.
 */
function PlanEvaluations(props: { ctx: ViewContext; plan: PlanPageOutline['plan'] }) {
  const { ctx, plan } = props;
  const others = otherNarrativesOf(plan);
  const evaluations = expertEvaluationsOf(plan);
  return (
    <>
      {others.length > 0 ? (
        <section aria-labelledby="narr-h">
          <h2 id="narr-h">{ctx.t('plan.narratives')}</h2>
          {others.map((n) => (
            <div class="narrative">
              <h3>
                {n.title}
                {n.year !== undefined ? <span class="muted small"> {yearLabel(n.year, ctx.lang)}</span> : null}
              </h3>
              <p class="prewrap">{n.body}</p>
            </div>
          ))}
        </section>
      ) : null}
      {evaluations.length > 0 ? (
        <section aria-labelledby="eval-h">
          <h2 id="eval-h">{ctx.t('pub.plan.evaluations')}</h2>
          {evaluations.map((n) => (
            <div class="narrative evaluation">
              <h3>{n.year !== undefined ? yearLabel(n.year, ctx.lang) : n.title}</h3>
              <p class="prewrap">{n.body}</p>
            </div>
          ))}
        </section>
      ) : null}
    </>
  );
}

/** A page's rows by node, its KPIs by id and its roll-ups by node, indexed once per page model (a 300-KPI plan has 30 nodes). */
const reportIndexes = new WeakMap<PlanPageModel, { byNode: Map<string, PlanPageRow[]>; kpis: Map<string, PlanPageKpi>; rollups: Map<string, PlanPageRollup> }>();
function indexOf(report: PlanPageModel) {
  let index = reportIndexes.get(report);
  if (!index) {
    index = { byNode: new Map(), kpis: new Map(), rollups: new Map(report.rollups.map((r) => [r.nodeId, r])) };
    for (const r of report.rows) {
      const list = index.byNode.get(r.nodeId);
      if (list) list.push(r);
      else index.byNode.set(r.nodeId, [r]);
      if (!index.kpis.has(r.kpi.id)) index.kpis.set(r.kpi.id, r.kpi);
    }
    reportIndexes.set(report, index);
  }
  return index;
}
/** A roll-up part's KPI name as the page's rows have it (its id when no row holds it). */
const kpiNameOf = (ctx: ViewContext, report: PlanPageModel, id: string) => {
  const k = indexOf(report).kpis.get(id);
  return k ? localized(ctx, k.name, k.nameEn) : id;
};
const rollupOf = (report: PlanPageModel, nodeId: string) => indexOf(report).rollups.get(nodeId);

function NodeSection(props: { ctx: ViewContext; node: PlanPageNode; depth: number; report: PlanPageModel }) {
  const { ctx, node, report } = props;
  const rows = indexOf(report).byNode.get(node.id) ?? [];
  const rollup = rollupOf(report, node.id);
  // h3 for top-level nodes, h4 below, never deeper than h6.
  const level = Math.min(6, 3 + props.depth);
  const heading = nodeHeading(ctx, node);
  const Heading = `h${level}` as 'h3';
  return (
    <section class={`node depth-${Math.min(props.depth, 3)}`} id={`node-${node.id}`}>
      <Heading>
        {heading}{' '}
        {rollup && rollup.status !== 'no-data' ? <StatusBadge ctx={ctx} status={rollup.status} title={explainRollup(rollup)[ctx.lang]} /> : null}
      </Heading>
      {node.description ? <p class="prewrap node-description">{node.description}</p> : null}
      {rows.length > 0 ? <KpiRowsTable ctx={ctx} cityId={report.city.id} rows={rows} label={fill(ctx.t('pub.plan.kpiTable'), { node: heading })} /> : null}
      {rollup && rollup.parts.length > 0 ? <RollupRule ctx={ctx} rollup={rollup} node={node} heading={heading} kpiName={(id) => kpiNameOf(ctx, report, id)} /> : null}
      {node.children.map((c) => (
        <NodeSection ctx={ctx} node={c} depth={props.depth + 1} report={report} />
      ))}
    </section>
  );
}

/**
 * A top-level node of a large plan without its KPI tables: its heading and status, how many KPI
 * rows lie under it with a link to its own page, the roll-up rule, and an outline of the nodes
 * below it (each keeps its `node-…` anchor, so links from search and KPI pages still land here,
 * one link away from the table).
 */
function FoldedNodeSection(props: { ctx: ViewContext; node: PlanPageNode; outline: PlanPageOutline; href: (nodeId: string) => string }) {
  const { ctx, node, outline } = props;
  const index = outlineIndexOf(outline);
  const rowsUnder = (n: PlanPageNode): number => (index.nodes.get(n.id)?.[1] ?? 0) + n.children.reduce((sum, c) => sum + rowsUnder(c), 0);
  const rollup = index.rollups.get(node.id);
  const heading = nodeHeading(ctx, node);
  const below = [...walkPlanNodes(node.children)];
  const kpiName = (id: string) => {
    const k = index.kpiNames.get(id);
    return k ? localized(ctx, k[1], k[2] ?? undefined) : id;
  };
  return (
    <section class="node depth-0 folded" id={`node-${node.id}`}>
      <h3>
        {heading}{' '}
        {rollup && rollup.status !== 'no-data' ? <StatusBadge ctx={ctx} status={rollup.status} title={explainRollup(rollup)[ctx.lang]} /> : null}
      </h3>
      {node.description ? <p class="prewrap node-description">{node.description}</p> : null}
      <p>
        {fill(ctx.t('pub.plan.folded'), { n: String(rowsUnder(node)) })} <a href={props.href(node.id)}>{ctx.t('pub.plan.unfold')}</a>
      </p>
      {rollup && rollup.parts.length > 0 ? <RollupRule ctx={ctx} rollup={rollup} node={node} heading={heading} kpiName={kpiName} /> : null}
      {below.length > 0 ? (
        <ul class="node-outline" aria-label={fill(ctx.t('pub.plan.outline'), { node: heading })}>
          {joinMarkup(
            below.map(({ node: n }) => {
              const status = index.nodes.get(n.id)?.[2];
              return markup`<li id="node-${n.id}"><a href="${props.href(n.id)}">${nodeHeading(ctx, n)}</a>${fill(ctx.t('pub.plan.outlineCount'), { n: String(rowsUnder(n)) })}${status && status !== 'no-data' ? markup` ${statusBadge(ctx, status)}` : null}</li>`;
            }),
          )}
        </ul>
      ) : null}
    </section>
  );
}

/** An outline's nodes, top-level roll-ups and KPI names by id, indexed once per outline. */
const outlineIndexes = new WeakMap<PlanPageOutline, { nodes: Map<string, PlanPageOutline['nodes'][number]>; rollups: Map<string, PlanPageRollup>; kpiNames: Map<string, PlanPageOutline['kpiNames'][number]> }>();
function outlineIndexOf(outline: PlanPageOutline) {
  let index = outlineIndexes.get(outline);
  if (!index) {
    index = { nodes: new Map(outline.nodes.map((n) => [n[0], n])), rollups: new Map(outline.topRollups.map((r) => [r.nodeId, r])), kpiNames: new Map(outline.kpiNames.map((k) => [k[0], k])) };
    outlineIndexes.set(outline, index);
  }
  return index;
}

/** A node's heading: its code, then its title in the page's language. */
const nodeHeading = (ctx: ViewContext, node: PlanPageNode) => `${node.code ? `${node.code} ` : ''}${localized(ctx, node.title, node.titleEn)}`;

/**
 * The roll-up rule and the direct parts it was applied to, with their weights, statuses and
 * progress as counted, so a citizen can redo the node's status (a `details` element: works
 * without JavaScript).
 */
function RollupRule(props: { ctx: ViewContext; rollup: PlanPageRollup; node: PlanPageNode; heading: string; kpiName: (kpiId: string) => string }) {
  const { ctx, rollup, node, kpiName } = props;
  const childById = new Map(node.children.map((c) => [c.id, c]));
  const caption = fill(ctx.t('pub.plan.rollup.caption'), { node: props.heading });
  return (
    <details class="rollup-rule">
      <summary>{ctx.t('pub.plan.rollup.summary')}</summary>
      <p class="small">{ctx.t('pub.plan.rollup.rule')}</p>
      <div class="table-scroll" tabindex={0} role="region" aria-label={caption}>
        <table class="rollup-parts">
          <caption class="small">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('pub.plan.rollup.part')}</th>
              <th scope="col">{ctx.t('pub.plan.rollup.weight')}</th>
              <th scope="col">{ctx.t('pub.plan.rollup.status')}</th>
              <th scope="col">{ctx.t('pub.plan.rollup.progress')}</th>
              <th scope="col">{ctx.t('pub.plan.rollup.expected')}</th>
            </tr>
          </thead>
          <tbody>
            {joinMarkup(
              rollup.parts.map((p) => {
                const child = p.kind === 'node' ? childById.get(p.id) : undefined;
                const name = child ? `${child.code ? `${child.code} ` : ''}${localized(ctx, child.title, child.titleEn)} ${ctx.t('pub.plan.rollup.node')}` : kpiName(p.id);
                const status = p.status === 'not-applicable' ? ctx.t('pub.plan.rollup.notApplicable') : statusBadge(ctx, p.status);
                return markup`<tr><th scope="row">${name}</th><td class="num">${p.weight}</td><td>${status}</td><td class="num">${p.counted ? formatRate(p.progress, ctx.lang) : ctx.t('pub.plan.rollup.leftOut')}</td><td class="num">${p.counted ? formatRate(p.expectedProgress, ctx.lang) : '—'}</td></tr>`;
              }),
            )}
          </tbody>
        </table>
      </div>
      <p class="small">
        {fill(ctx.t('pub.plan.rollup.result'), {
          progress: formatRate(rollup.progress, ctx.lang),
          expected: formatRate(rollup.expectedProgress, ctx.lang),
          worsening: String(rollup.worseningWeight),
          total: String(rollup.totalWeight),
        })}{' '}
        → <StatusBadge ctx={ctx} status={rollup.status} />
      </p>
    </details>
  );
}

/**
 * A node's KPI rows: a table on wide screens, one labelled card per KPI on phones (the `kpi-cards`
 * layout of the KPI list), the header row kept for screen readers. The rows are markup
 * (markup.ts): a plan can hold 300 KPIs. Each row's status and forecast are explained on the
 * KPI's page (one line above the tree says so) rather than in a tooltip on every row.
 */
function KpiRowsTable(props: { ctx: ViewContext; cityId: string; rows: readonly PlanPageRow[]; label: string }) {
  const { ctx } = props;
  const label = {
    no: ctx.t('kpi.no'),
    baseline: ctx.t('kpi.baseline'),
    latest: ctx.t('kpi.latest'),
    target: ctx.t('kpi.target'),
    rate: ctx.t('kpi.rate'),
    undefinedRate: ctx.t('rate.undefined'),
    status: ctx.t('kpi.status'),
    forecast: ctx.t('kpi.forecast'),
  };
  const figure = (f: { value: number; decimals?: number | undefined; at: TimePoint } | null | undefined, unit: string) =>
    f ? markup`${formatQuantity(f.value, f.decimals, unit, ctx.lang)}<span class="cell-note">${timeLabel(f.at, ctx.lang)}</span>` : '—';
  const body = props.rows.map(({ no, kpi, evaluation: e, override }) => {
    const a = e?.status.achievement ?? null;
    const rateLabel = a ? (a.rate === null ? `${formatRate(a.displayRate, ctx.lang)} (${label.undefinedRate})` : formatRate(a.rate, ctx.lang)) : '—';
    const targets = kpi.sdgTargets.length > 0 ? markup`<span class="sdg-targets">【${kpi.sdgTargets.join(', ')}】</span>` : null;
    const status = e ? statusWithOverride(ctx, e.status.status, override, undefined, true) : override ? statusWithOverride(ctx, 'no-data', override, undefined, true) : null;
    return markup`<tr><td class="row-no" data-label="${label.no}">${no ?? ''}</td><th scope="row"><a href="${ctx.href(kpiPath(props.cityId, kpi.id))}">${localized(ctx, kpi.name, kpi.nameEn)}</a>${targets}</th><td class="num" data-label="${label.baseline}">${figure(kpi.baseline, kpi.unit)}</td><td class="num" data-label="${label.latest}">${figure(e?.latest, kpi.unit)}</td><td class="num" data-label="${label.target}">${figure(e?.target, kpi.unit)}</td><td data-label="${label.rate}">${rateBar(a?.displayRate ?? null, rateLabel)}</td><td data-label="${label.status}">${status}</td><td data-label="${label.forecast}">${e ? ctx.t(`forecast.${e.forecast.verdict}`) : null}</td></tr>`;
  });
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={props.label}>
      <table class="kpi-table kpi-cards plan-kpis">
        {columnHeads([label.no, ctx.t('kpi.name'), label.baseline, label.latest, label.target, label.rate, label.status, label.forecast])}
        <tbody>{joinMarkup(body)}</tbody>
      </table>
    </div>
  );
}

/** Counts of the plan's KPI rows by the UN Progress Chart and Open SDG methods. */
function InternationalSummary(props: { ctx: ViewContext; summary: InternationalSummaryCounts }) {
  const { ctx } = props;
  const s = props.summary;
  const un = (['on-track', 'moderate-progress', 'stagnation-or-regression', 'no-data'] as const).filter((k) => s.un[k] > 0);
  const os = (['target-achieved', 'on-track', 'acceleration-needed', 'limited-progress', 'deterioration', 'no-data'] as const).filter((k) => s.openSdg[k] > 0);
  return (
    <dl class="international">
      <dt>{ctx.t('plan.international.un')}</dt>
      <dd>{un.map((k) => `${ctx.t(`un.${k}`)} ${s.un[k]}`).join(ctx.lang === 'ja' ? '、' : ', ')}</dd>
      <dt>{ctx.t('plan.international.openSdg')}</dt>
      <dd>{os.map((k) => `${ctx.t(`opensdg.${k}`)} ${s.openSdg[k]}`).join(ctx.lang === 'ja' ? '、' : ', ')}</dd>
    </dl>
  );
}

/** The filter (and a top-level node to unfold) as a query string for links ("" without either). */
function filterQuery(filter: PlanFilter | undefined, node?: string): string {
  const q = new URLSearchParams(Object.entries(filter ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (node !== undefined) q.set('node', node);
  const s = q.toString();
  return s ? `?${s}` : '';
}
