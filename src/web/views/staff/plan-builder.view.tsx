import type { City } from '../../../core/city/city.ts';
import { KPI_UPDATE_FREQUENCIES, type Kpi } from '../../../core/kpi/kpi.ts';
import type { Plan, PlanNode } from '../../../core/plan/plan.ts';
import { walkPlanNodes } from '../../../core/plan/plan.ts';
import { PLAN_KINDS } from '../../../core/plan/plan.ts';
import type { PlanBuilderState, PlanListState } from '../../../plans/plan-builder.service.ts';
import type { PlanDiff } from '../../../plans/plan-diff.ts';
import { diffHeading, diffTable } from '../../../plans/plan-diff.document.ts';
import { PLAN_NODE_KINDS } from '../../../plans/plan.commands.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import { localized, type ViewContext } from '../view-context.ts';
import { ConflictPanel, ErrorSummary, SelectField, TextArea, TextField, VersionField, type ConflictInfo, type FieldErrors, type FormValues } from './form.tsx';
import { CsrfField, fill, StaffLayout, type StaffPage } from './staff-layout.tsx';

/*
 * The plan builder of the staff area (issue 13.2, 13.6): the plan list with its create form,
 * and on a plan's page the tree with forms to add, move, reorder, archive and delete nodes,
 * place, move and remove KPIs, create KPIs, record versions, and the 新旧対照表 page. Every form
 * works without JavaScript; a refused form comes back with the user's input and the problem
 * next to each field.
 */

/** A builder form re-rendered after a refusal: which form (its key), the input, the problems. */
export interface BuilderForm {
  /** `plan-create`, `node-add:<parent id or root>`, `kpi-new:<node>`, `kpi-attach:<node>`, `node-move:<node>`, `version`, `action`. */
  readonly key: string;
  readonly values: FormValues;
  readonly errors: FieldErrors;
  readonly conflict?: ConflictInfo;
}

const kindOptions = (ctx: ViewContext) => PLAN_KINDS.map((k) => ({ value: k, label: ctx.t(`plans.kind.${k}` as MessageKey) }));

function formOf(forms: BuilderForm | undefined, key: string, defaults: FormValues): BuilderForm {
  return forms?.key === key ? forms : { key, values: defaults, errors: {} };
}

/** The fields of a plan's head beyond title and vision: kind and period (the plan page's head form and the create form). */
export function PlanKindPeriodFields(props: { ctx: ViewContext; formId: string; values: FormValues; errors: FieldErrors }) {
  const { ctx } = props;
  return (
    <>
      <SelectField ctx={ctx} formId={props.formId} name="kind" label={ctx.t('plans.kind')} values={props.values} errors={props.errors} options={kindOptions(ctx)} required />
      <TextField ctx={ctx} formId={props.formId} name="periodStart" label={ctx.t('plans.periodStart')} values={props.values} errors={props.errors} inputmode="numeric" size={6} required />
      <TextField ctx={ctx} formId={props.formId} name="periodEnd" label={ctx.t('plans.periodEnd')} values={props.values} errors={props.errors} inputmode="numeric" size={6} required />
    </>
  );
}

/** A small form with one button (reorder, archive, restore, delete) posting the version it was opened on. */
function ActionButton(props: { csrf: string; action: string; version: number; label: string; name: string; fields?: Record<string, string> }) {
  return (
    <form method="post" action={props.action} class="inline-action">
      <CsrfField token={props.csrf} />
      <VersionField value={props.version} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" aria-label={`${props.label}：${props.name}`}>
        {props.label}
      </button>
    </form>
  );
}

/**
 * Delete a KPI that has no data (issue 13.2): a disclosure holding the confirmation text and the
 * POST form (works without JavaScript; the server checks again and answers 409 when it has data).
 */
function DeleteKpiButton(props: { ctx: StaffPage['ctx']; csrf: string; action: string; version: number; name: string; fields?: Record<string, string> }) {
  const t = props.ctx.t;
  return (
    <details class="inline-action">
      <summary aria-label={`${t('plans.kpiDelete')}：${props.name}`}>{t('plans.kpiDelete')}</summary>
      <form method="post" action={props.action}>
        <CsrfField token={props.csrf} />
        <VersionField value={props.version} />
        {Object.entries(props.fields ?? {}).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        <p>{fill(t('plans.kpiDeleteConfirm'), { name: props.name })}</p>
        <button type="submit" aria-label={`${t('plans.kpiDeleteSubmit')}：${props.name}`}>{t('plans.kpiDeleteSubmit')}</button>
      </form>
    </details>
  );
}

/** The plan list's extra sections: create a plan, order and archive plans, archived plans and KPIs to restore. */
export function PlanListBuilder(props: { page: StaffPage; city: City; state: PlanListState; form?: BuilderForm | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}`;
  const f = formOf(props.form, 'plan-create', { kind: 'sdgs-future-city' });
  const active = props.state.plans.filter((p) => !p.archived);
  const archived = props.state.plans.filter((p) => p.archived);
  return (
    <>
      {props.form?.key === 'action' ? <ErrorSummary ctx={ctx} errors={props.form.errors} labels={{}} /> : null}
      {props.form?.key === 'action' && props.form.conflict ? <ConflictPanel ctx={ctx} conflict={props.form.conflict} /> : null}
      <ul class="plan-order">
        {active.map((p, i) => (
          <li>
            <a href={ctx.href(`${base}/plans/${p.id}`)}>{localized(ctx, p.title, p.titleEn ?? undefined)}</a>（{p.periodStart}–{p.periodEnd}）
            {i > 0 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/plans/${p.id}/reorder`)} version={p.version} label={t('plans.moveUp')} name={p.title} fields={{ direction: 'up' }} /> : null}
            {i < active.length - 1 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/plans/${p.id}/reorder`)} version={p.version} label={t('plans.moveDown')} name={p.title} fields={{ direction: 'down' }} /> : null}
            <ActionButton csrf={csrfToken} action={ctx.href(`${base}/plans/${p.id}/archive`)} version={p.version} label={t('plans.archive')} name={p.title} />
            <ActionButton csrf={csrfToken} action={ctx.href(`${base}/plans/${p.id}/delete`)} version={p.version} label={t('plans.delete')} name={p.title} />
          </li>
        ))}
      </ul>
      <section class="section" aria-labelledby="plan-create">
        <h2 id="plan-create">{t('plans.new')}</h2>
        <ErrorSummary ctx={ctx} errors={f.errors} labels={{ planId: t('plans.id'), title: t('staff.plan.titleField'), kind: t('plans.kind'), periodStart: t('plans.periodStart'), periodEnd: t('plans.periodEnd') }} formId="plan-create" />
        <form method="post" action={ctx.href(`${base}/plans`)} class="stacked" novalidate>
          <CsrfField token={csrfToken} />
          <TextField ctx={ctx} formId="plan-create" name="planId" label={t('plans.id')} hint={t('plans.idHint')} values={f.values} errors={f.errors} required />
          <TextField ctx={ctx} formId="plan-create" name="title" label={t('staff.plan.titleField')} values={f.values} errors={f.errors} required />
          <TextField ctx={ctx} formId="plan-create" name="titleEn" label={t('staff.plan.titleEn')} values={f.values} errors={f.errors} />
          <PlanKindPeriodFields ctx={ctx} formId="plan-create" values={f.values} errors={f.errors} />
          <TextArea ctx={ctx} formId="plan-create" name="vision" label={t('staff.plan.vision')} values={f.values} errors={f.errors} rows={3} />
          <button type="submit">{t('plans.create')}</button>
        </form>
      </section>
      {archived.length > 0 ? (
        <section class="section" aria-labelledby="plans-archived">
          <h2 id="plans-archived">{t('plans.archived')}</h2>
          <ul>
            {archived.map((p) => (
              <li>
                {p.title}（{p.periodStart}–{p.periodEnd}）
                <ActionButton csrf={csrfToken} action={ctx.href(`${base}/plans/${p.id}/restore`)} version={p.version} label={t('plans.restore')} name={p.title} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {props.state.archivedKpis.length > 0 ? (
        <section class="section" aria-labelledby="kpis-archived">
          <h2 id="kpis-archived">{t('plans.kpiArchived')}</h2>
          <ul>
            {props.state.archivedKpis.map((k) => (
              <li>
                {k.name}
                <ActionButton csrf={csrfToken} action={ctx.href(`${base}/kpis/${k.id}/restore`)} version={k.version} label={t('plans.restore')} name={k.name} />
                {k.deletable ? <DeleteKpiButton ctx={ctx} csrf={csrfToken} action={ctx.href(`${base}/kpis/${k.id}/delete`)} version={k.version} name={k.name} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** The form of a new node (top level, or below `parent`). */
function NodeAddForm(props: { page: StaffPage; base: string; parent: PlanNode | null; form?: BuilderForm | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const key = `node-add:${props.parent?.id ?? 'root'}`;
  const f = formOf(props.form, key, { kind: props.parent ? 'policy' : 'goal' });
  const formId = key.replace(':', '-');
  return (
    <details open={props.form?.key === key}>
      <summary>{props.parent ? `${t('plans.nodeAddChild')}（${props.parent.title}）` : t('plans.nodeAdd')}</summary>
      <ErrorSummary ctx={ctx} errors={f.errors} labels={{ title: t('staff.plan.nodeTitle'), kind: t('plans.nodeKind') }} formId={formId} />
      <form method="post" action={ctx.href(`${props.base}/nodes`)} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="parent" value={props.parent?.id ?? ''} />
        <SelectField ctx={ctx} formId={formId} name="kind" label={t('plans.nodeKind')} values={f.values} errors={f.errors} options={PLAN_NODE_KINDS.map((k) => ({ value: k, label: t(`plans.nodeKind.${k}` as MessageKey) }))} />
        <TextField ctx={ctx} formId={formId} name="code" label={t('staff.plan.nodeCode')} values={f.values} errors={f.errors} size={8} />
        <TextField ctx={ctx} formId={formId} name="title" label={t('staff.plan.nodeTitle')} values={f.values} errors={f.errors} required />
        <TextField ctx={ctx} formId={formId} name="titleEn" label={t('staff.plan.nodeTitleEn')} values={f.values} errors={f.errors} />
        <TextArea ctx={ctx} formId={formId} name="description" label={t('staff.plan.nodeDescription')} values={f.values} errors={f.errors} rows={2} />
        <button type="submit">{props.parent ? t('plans.nodeAddChild') : t('plans.nodeAdd')}</button>
      </form>
    </details>
  );
}

/** The KPI creation form of a node. */
function KpiNewForm(props: { page: StaffPage; base: string; node: PlanNode; nodeVersion: number; state: PlanBuilderState; form?: BuilderForm | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const key = `kpi-new:${props.node.id}`;
  const formId = `kpi-new-${props.node.id}`;
  const f = formOf(props.form, key, { side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline' });
  const opts = (prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as MessageKey) }));
  const labels = {
    kpiId: t('plans.kpi.id'), name: t('plans.kpi.name'), unit: t('plans.kpi.unit'), departmentId: t('plans.kpi.department'), sdgTargets: t('plans.kpi.sdgTargets'), side: t('plans.kpi.side'), aggregation: t('plans.kpi.aggregation'),
    direction: t('plans.kpi.direction'), method: t('plans.kpi.method'), baselineAt: t('plans.kpi.baselineAt'), baselineValue: t('plans.kpi.baselineValue'), targets: t('plans.kpi.targets'), definition: t('plans.kpi.definition'), dataSource: t('plans.kpi.dataSource'), dataProvider: t('plans.kpi.dataProvider'), updateFrequency: t('plans.kpi.updateFrequency'), indicator: t('plans.kpi.indicator'), no: t('plans.kpi.no'),
  };
  return (
    <details open={props.form?.key === key}>
      <summary>{`${t('plans.kpiNew')}（${props.node.title}）`}</summary>
      {f.conflict ? <ConflictPanel ctx={ctx} conflict={f.conflict} /> : null}
      <ErrorSummary ctx={ctx} errors={f.errors} labels={labels} formId={formId} />
      <form method="post" action={ctx.href(`${props.base}/nodes/${props.node.id}/kpis/new`)} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <VersionField value={props.nodeVersion} />
        <TextField ctx={ctx} formId={formId} name="name" label={labels.name} values={f.values} errors={f.errors} required />
        <TextField ctx={ctx} formId={formId} name="nameEn" label={t('plans.kpi.nameEn')} values={f.values} errors={f.errors} />
        <TextField ctx={ctx} formId={formId} name="kpiId" label={labels.kpiId} hint={t('plans.kpi.idHint')} values={f.values} errors={f.errors} />
        <TextField ctx={ctx} formId={formId} name="no" label={labels.no} values={f.values} errors={f.errors} size={4} />
        <TextField ctx={ctx} formId={formId} name="unit" label={labels.unit} values={f.values} errors={f.errors} size={8} required />
        <SelectField ctx={ctx} formId={formId} name="departmentId" label={labels.departmentId} values={f.values} errors={f.errors} options={[{ value: '', label: t('plans.kpi.departmentNone') }, ...props.state.departments.map((d) => ({ value: String(d.id), label: d.name }))]} />
        <TextField ctx={ctx} formId={formId} name="sdgTargets" label={labels.sdgTargets} hint={t('plans.kpi.sdgTargetsHint')} values={f.values} errors={f.errors} />
        <SelectField ctx={ctx} formId={formId} name="side" label={labels.side} values={f.values} errors={f.errors} options={opts('plans.kpi.side', ['economy', 'society', 'environment', 'none'])} />
        <SelectField ctx={ctx} formId={formId} name="aggregation" label={labels.aggregation} values={f.values} errors={f.errors} options={opts('plans.kpi.aggregation', ['cumulative', 'per-year', 'snapshot', 'period-total'])} />
        <SelectField ctx={ctx} formId={formId} name="method" label={labels.method} values={f.values} errors={f.errors} options={opts('plans.kpi.method', ['progress-from-baseline', 'ratio'])} />
        <TextField ctx={ctx} formId={formId} name="baselineAt" label={labels.baselineAt} values={f.values} errors={f.errors} size={14} required />
        <TextField ctx={ctx} formId={formId} name="baselineValue" label={labels.baselineValue} values={f.values} errors={f.errors} size={14} required />
        <TextArea ctx={ctx} formId={formId} name="targets" label={labels.targets} hint={t('plans.kpi.targetsHint')} values={f.values} errors={f.errors} rows={2} required />
        <SelectField ctx={ctx} formId={formId} name="direction" label={labels.direction} values={f.values} errors={f.errors} options={[{ value: '', label: t('plans.kpi.direction.unset') }, { value: 'up', label: t('plans.kpi.direction.up') }, { value: 'down', label: t('plans.kpi.direction.down') }]} />
        <TextArea ctx={ctx} formId={formId} name="definition" label={labels.definition} values={f.values} errors={f.errors} rows={2} />
        <TextField ctx={ctx} formId={formId} name="dataSource" label={labels.dataSource} values={f.values} errors={f.errors} />
        <TextField ctx={ctx} formId={formId} name="dataProvider" label={labels.dataProvider} hint={t('plans.kpi.dataProviderHint')} values={f.values} errors={f.errors} />
        <SelectField ctx={ctx} formId={formId} name="updateFrequency" label={labels.updateFrequency} values={f.values} errors={f.errors} options={[{ value: '', label: t('plans.kpi.updateFrequency.unset') }, ...opts('kpi.updateFrequency', KPI_UPDATE_FREQUENCIES)]} />
        <TextField ctx={ctx} formId={formId} name="indicator" label={labels.indicator} hint={t('plans.kpi.indicatorHint')} values={f.values} errors={f.errors} size={16} />
        <button type="submit">{t('plans.kpiNew')}</button>
      </form>
    </details>
  );
}

/** The tree of a plan with every building form (replaces the plain node list for the secretariat). */
export function PlanTreeBuilder(props: {
  page: StaffPage;
  city: City;
  plan: Plan;
  kpis: readonly Kpi[];
  state: PlanBuilderState;
  nodeVersions: ReadonlyMap<string, number>;
  form?: BuilderForm | undefined;
  /** The existing per-node edit form (code, titles, description), rendered inside each node. */
  nodeEditForm: (node: PlanNode) => unknown;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}/plans/${props.plan.id}`;
  const kpiNames = new Map(props.kpis.map((k) => [k.id, k.name]));
  const all = [...walkPlanNodes(props.plan.nodes)];
  const nodeLabel = (n: PlanNode) => `${n.code ? `${n.code} ` : ''}${n.title}`;
  const attachedIds = new Set(props.kpis.map((k) => k.id));
  return (
    <section class="section" aria-labelledby="nodes">
      <h2 id="nodes">{t('staff.plan.nodes')}</h2>
      {props.form?.key === 'action' ? <ErrorSummary ctx={ctx} errors={props.form.errors} labels={{}} /> : null}
      {props.form?.key === 'action' && props.form.conflict ? <ConflictPanel ctx={ctx} conflict={props.form.conflict} /> : null}
      {all.map(({ node, depth }) => {
        const version = props.nodeVersions.get(node.id) ?? 0;
        const siblings = depth === 0 ? props.plan.nodes : (all.find((x) => x.node.children.includes(node))?.node.children ?? []);
        const index = siblings.indexOf(node);
        const moveKey = `node-move:${node.id}`;
        const move = formOf(props.form, moveKey, {});
        const attachKey = `kpi-attach:${node.id}`;
        const attach = formOf(props.form, attachKey, {});
        const below = new Set([...walkPlanNodes([node])].map((x) => x.node.id));
        return (
          <div class="plan-node" style={`margin-left:${depth * 1.2}rem`}>
            <h3 id={`node-${node.id}`}>{nodeLabel(node)}</h3>
            <div class="actions">
              {index > 0 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/reorder`)} version={version} label={t('plans.moveUp')} name={node.title} fields={{ direction: 'up' }} /> : null}
              {index < siblings.length - 1 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/reorder`)} version={version} label={t('plans.moveDown')} name={node.title} fields={{ direction: 'down' }} /> : null}
              <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/archive`)} version={version} label={t('plans.archive')} name={node.title} />
              <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/delete`)} version={version} label={t('plans.delete')} name={node.title} />
            </div>
            {props.nodeEditForm(node) as never}
            <details open={props.form?.key === moveKey}>
              <summary>{`${t('plans.nodeMove')}（${node.title}）`}</summary>
              {move.conflict ? <ConflictPanel ctx={ctx} conflict={move.conflict} /> : null}
              <ErrorSummary ctx={ctx} errors={move.errors} labels={{ parent: t('plans.nodeParent') }} formId={`move-${node.id}`} />
              <form method="post" action={ctx.href(`${base}/nodes/${node.id}/move`)} class="stacked" novalidate>
                <CsrfField token={csrfToken} />
                <VersionField value={version} />
                <SelectField ctx={ctx} formId={`move-${node.id}`} name="parent" label={t('plans.nodeParent')} values={move.values} errors={move.errors} options={[{ value: '', label: t('plans.nodeParentTop') }, ...all.filter((x) => !below.has(x.node.id)).map((x) => ({ value: x.node.id, label: nodeLabel(x.node) }))]} />
                <button type="submit">{t('plans.nodeMove')}</button>
              </form>
            </details>
            {node.kpiRows.length > 0 ? (
              <table class="data">
                <caption>{`${t('plans.kpis')}（${node.title}）`}</caption>
                <tbody>
                  {node.kpiRows.map((row, rowIndex) => {
                    const name = kpiNames.get(row.kpiId) ?? row.kpiId;
                    const k = props.state.kpis.get(row.kpiId);
                    return (
                      <tr>
                        <th scope="row">
                          {row.no ? `${row.no}. ` : ''}
                          <a href={ctx.href(`/staff/cities/${props.city.id}/kpis/${row.kpiId}`)}>{name}</a>
                          {k && k.sharedWith.length > 0 ? <p class="hint">{fill(t('plans.kpiSharedWith'), { plans: k.sharedWith.join('、') })}</p> : null}
                        </th>
                        <td>
                          <a href={ctx.href(`/staff/cities/${props.city.id}/kpis/${row.kpiId}#define`)} aria-label={`${t('kpiEdit.edit')}：${name}`}>{t('kpiEdit.edit')}</a>
                          {rowIndex > 0 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/kpis/${row.kpiId}/reorder`)} version={version} label={t('kpiEdit.moveUp')} name={name} fields={{ direction: 'up' }} /> : null}
                          {rowIndex < node.kpiRows.length - 1 ? <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/kpis/${row.kpiId}/reorder`)} version={version} label={t('kpiEdit.moveDown')} name={name} fields={{ direction: 'down' }} /> : null}
                          <form method="post" action={ctx.href(`${base}/nodes/${node.id}/kpis/${row.kpiId}/move`)} class="inline-action">
                            <CsrfField token={csrfToken} />
                            <VersionField value={version} />
                            <label for={`mv-${node.id}-${row.kpiId}`}>{t('plans.kpiMoveTo')}</label>
                            <select id={`mv-${node.id}-${row.kpiId}`} name="toNode">
                              {all.filter((x) => x.node.id !== node.id).map((x) => (
                                <option value={x.node.id}>{nodeLabel(x.node)}</option>
                              ))}
                            </select>
                            <button type="submit" aria-label={`${t('plans.kpiMove')}：${name}`}>{t('plans.kpiMove')}</button>
                          </form>
                          <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${node.id}/kpis/${row.kpiId}/move`)} version={version} label={t('plans.kpiDetach')} name={name} fields={{ toNode: '' }} />
                          {k ? <ActionButton csrf={csrfToken} action={ctx.href(`/staff/cities/${props.city.id}/kpis/${row.kpiId}/archive`)} version={k.version} label={t('plans.kpiArchive')} name={name} fields={{ back: props.plan.id }} /> : null}
                          {k?.deletable ? <DeleteKpiButton ctx={ctx} csrf={csrfToken} action={ctx.href(`/staff/cities/${props.city.id}/kpis/${row.kpiId}/delete`)} version={k.version} name={name} fields={{ back: props.plan.id }} /> : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
            <details open={props.form?.key === attachKey}>
              <summary>{`${t('plans.kpiAttach')}（${node.title}）`}</summary>
              {attach.conflict ? <ConflictPanel ctx={ctx} conflict={attach.conflict} /> : null}
              <ErrorSummary ctx={ctx} errors={attach.errors} labels={{ kpi: t('plans.kpiChoose'), no: t('plans.kpi.no') }} formId={`attach-${node.id}`} />
              <form method="post" action={ctx.href(`${base}/nodes/${node.id}/kpis`)} class="stacked" novalidate>
                <CsrfField token={csrfToken} />
                <VersionField value={version} />
                <SelectField ctx={ctx} formId={`attach-${node.id}`} name="kpi" label={t('plans.kpiChoose')} values={attach.values} errors={attach.errors} options={props.state.cityKpis.filter((k) => attachedIds.has(k.id)).map((k) => ({ value: k.id, label: k.name }))} />
                <TextField ctx={ctx} formId={`attach-${node.id}`} name="no" label={t('plans.kpi.no')} values={attach.values} errors={attach.errors} size={4} />
                <button type="submit">{t('plans.kpiAttach')}</button>
              </form>
            </details>
            <KpiNewForm page={props.page} base={base} node={node} nodeVersion={version} state={props.state} form={props.form} />
            <NodeAddForm page={props.page} base={base} parent={node} form={props.form} />
          </div>
        );
      })}
      <NodeAddForm page={props.page} base={base} parent={null} form={props.form} />
      {props.state.archivedNodes.length > 0 ? (
        <>
          <h3>{t('plans.archivedNodes')}</h3>
          <ul>
            {props.state.archivedNodes.map((n) => (
              <li>
                {n.title}
                <ActionButton csrf={csrfToken} action={ctx.href(`${base}/nodes/${n.id}/restore`)} version={n.version} label={t('plans.restore')} name={n.title} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The plan's versions (策定 / 改訂): the list, the form recording one, and the choice of two to compare. */
export function PlanVersionsSection(props: { page: StaffPage; city: City; plan: Plan; planVersion: number; state: PlanBuilderState; form?: BuilderForm | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}/plans/${props.plan.id}`;
  const versions = props.state.versions;
  const f = formOf(props.form, 'version', { kind: versions.length === 0 ? 'adopted' : 'revised' });
  const options = versions.map((v) => ({ value: String(v.number), label: `${v.number}. ${v.label}（${v.date}）` }));
  return (
    <section class="section" aria-labelledby="versions">
      <h2 id="versions">{t('plans.versions')}</h2>
      {versions.length === 0 ? <p>{t('plans.versionNone')}</p> : null}
      <ol>
        {versions.map((v) => (
          <li>
            {v.label}（{t(`plans.versionKind.${v.kind}` as MessageKey)}、{v.date}）{v.reason ? `：${v.reason}` : ''}
          </li>
        ))}
      </ol>
      {f.conflict ? <ConflictPanel ctx={ctx} conflict={f.conflict} /> : null}
      <ErrorSummary ctx={ctx} errors={f.errors} labels={{ kind: t('plans.versionKind'), date: t('plans.versionDate'), reason: t('plans.versionReason'), label: t('plans.versionLabel') }} formId="version" />
      <form method="post" action={ctx.href(`${base}/versions`)} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <VersionField value={props.planVersion} />
        <SelectField ctx={ctx} formId="version" name="kind" label={t('plans.versionKind')} values={f.values} errors={f.errors} options={versions.length === 0 ? [{ value: 'adopted', label: t('plans.versionKind.adopted') }] : [{ value: 'revised', label: t('plans.versionKind.revised') }]} />
        <TextField ctx={ctx} formId="version" name="label" label={t('plans.versionLabel')} hint={t('plans.versionLabelHint')} values={f.values} errors={f.errors} />
        <TextField ctx={ctx} formId="version" name="date" label={t('plans.versionDate')} values={f.values} errors={f.errors} required />
        <TextArea ctx={ctx} formId="version" name="reason" label={t('plans.versionReason')} values={f.values} errors={f.errors} rows={2} />
        <button type="submit">{t('plans.versionRecord')}</button>
      </form>
      <h3>{t('plans.diff')}</h3>
      {props.form?.key === 'version-diff' ? (
        <p class="error-message" role="alert">
          {Object.values(props.form.errors).join(' ')}
        </p>
      ) : null}
      {versions.length < 2 ? (
        <p>{t('plans.diffNeedsTwo')}</p>
      ) : (
        <form method="get" action={ctx.href(`${base}/diff`)} class="stacked">
          {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
          <SelectField ctx={ctx} formId="diff" name="from" label={t('plans.diffFrom')} values={{ from: String(versions.at(-2)!.number) }} errors={{}} options={options} />
          <SelectField ctx={ctx} formId="diff" name="to" label={t('plans.diffTo')} values={{ to: String(versions.at(-1)!.number) }} errors={{}} options={options} />
          <button type="submit">{t('plans.diffShow')}</button>
        </form>
      )}
    </section>
  );
}

/** The 新旧対照表 page: the table and its downloads. */
export function PlanDiffView(props: { page: StaffPage; city: City; plan: Plan; diff: PlanDiff }) {
  const { ctx } = props.page;
  const t = ctx.t;
  const heading = diffHeading(props.diff, ctx.lang);
  const table = diffTable(props.diff, ctx.lang);
  const base = `/staff/cities/${props.city.id}/plans/${props.plan.id}`;
  const q = `from=${props.diff.from.number}&to=${props.diff.to.number}`;
  return (
    <StaffLayout page={props.page} title={heading.title} breadcrumbs={[{ href: ctx.href(`/staff/cities/${props.city.id}/plans`), label: t('staff.plan.list') }, { href: ctx.href(base), label: localized(ctx, props.plan.title, props.plan.titleEn) }]}>
      <h1>{heading.title}</h1>
      <p>{heading.versions}</p>
      <p>
        <a href={ctx.href(`${base}/diff.xlsx?${q}`)}>{t('plans.diffXlsx')}</a>　<a href={ctx.href(`${base}/diff.docx?${q}`)}>{t('plans.diffDocx')}</a>
      </p>
      {table.rows.length === 0 ? (
        <p>{t('plans.diffNone')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <caption>{heading.title}</caption>
            <thead>
              <tr>
                {table.header.map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r) => (
                <tr>
                  {r.map((cell, i) => (i === 1 ? <th scope="row">{cell}</th> : <td style="white-space:pre-line">{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </StaffLayout>
  );
}
