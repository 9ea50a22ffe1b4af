import { Hono, type Context } from 'hono';
import type { CityData } from '../../core/city/city.ts';
import type { Plan } from '../../core/plan/plan.ts';
import { planKpiRows } from '../../core/plan/plan.ts';
import { formatTimePointJa } from '../../core/time/time-point.ts';
import { canBuildPlans, PLAN_BUILDER_ROLE } from '../../policies/staff.policy.ts';
import { describeNextPeriodProblem, startNextPeriod } from '../../plans/next-period.command.ts';
import { readNextPeriodFields, type NextPeriodFields } from '../../plans/next-period-input.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { formatQuantity } from '../views/format.ts';
import { NextPeriodFormView, type NextPeriodFormModel, type NextPeriodKpiModel } from '../views/staff/next-period.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbiddenNeedsRole, formOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';
import { actorName } from '../../auth/user.ts';

/**
 * 「次期計画を開始」 (issue 13.4) in the staff area: `GET/POST /staff/cities/:city/plans/:plan/next-period`.
 * The secretariat (policy canBuildPlans, as the plan builder; an administrator gets the 403 page naming the role) chooses the KPIs to carry over and their new targets;
 * the POST calls the same command as `michishirube plan next-period` and answers 303 to the new
 * plan, 422 with the form and the messages next to the fields, or 409 when someone else wrote
 * the city at the same moment (nothing is written then).
 */
export function staffPeriodRoutes(deps: WebDeps): Hono<StaffEnv> {
  const { db, store } = deps;
  const app = new Hono<StaffEnv>();

  async function planOf(c: Context<StaffEnv>): Promise<{ data: CityData; plan: Plan } | null> {
    const staff = await store.getStaff(c.req.param('city')!);
    const plan = staff?.data.plans.find((p) => p.id === c.req.param('plan'));
    return staff && plan ? { data: staff.data, plan } : null;
  }

  function render(c: Context<StaffEnv>, data: CityData, plan: Plan, values: Record<string, string>, errors: Record<string, string>, status: 200 | 409 | 422) {
    const page = staffPage(c);
    const rows = planKpiRows(plan);
    const seen = new Set<string>();
    const kpis: NextPeriodKpiModel[] = [];
    for (const { row } of rows) {
      if (seen.has(row.kpiId)) continue;
      seen.add(row.kpiId);
      const kpi = data.kpis.find((k) => k.id === row.kpiId);
      if (!kpi) continue;
      const target = kpi.targets.find((t) => t.id === row.targetId) ?? kpi.targets[0];
      kpis.push({
        id: kpi.id,
        name: kpi.name,
        unit: kpi.unit,
        currentTarget: target ? `${formatTimePointJa(target.at)} ${formatQuantity(target.value, target.decimals, kpi.unit, page.ctx.lang)}` : '—',
        reflection: rows.filter((r) => r.row.kpiId === kpi.id).map((r) => r.row.reflection ?? '').find((s) => s !== '') ?? '',
      });
    }
    const model: NextPeriodFormModel = {
      cityId: data.city.id,
      cityName: page.ctx.lang === 'en' ? data.city.nameEn : data.city.name,
      plan: { id: plan.id, title: plan.title, periodStart: plan.periodStart, periodEnd: plan.periodEnd },
      kpis,
      values,
      errors,
    };
    return c.html(<NextPeriodFormView page={page} model={model} />, status);
  }

  app.get('/:city/plans/:plan/next-period', async (c) => {
    const found = await planOf(c);
    if (!found) return staffNotFound(c);
    if (!canBuildPlans(currentUser(c), found.data.city.id)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const { plan } = found;
    return render(c, found.data, plan, { from: String(plan.periodEnd + 1), to: String(plan.periodEnd + 1 + (plan.periodEnd - plan.periodStart)), id: nextId(plan.id) }, {}, 200);
  });

  app.post('/:city/plans/:plan/next-period', async (c) => {
    const found = await planOf(c);
    if (!found) return staffNotFound(c);
    const user = currentUser(c);
    const { data, plan } = found;
    if (!canBuildPlans(user, data.city.id)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const form = await formOf(c);
    const lang = staffPage(c).ctx.lang;
    const carried = Object.keys(form)
      .filter((k) => k.startsWith('carry:') && form[k] === 'on')
      .map((k) => k.slice('carry:'.length));
    const fields: NextPeriodFields = {
      fromPlanId: plan.id,
      newPlanId: form['id'] ?? '',
      ...(form['title'] && { title: form['title'] }),
      periodStart: form['from'] ?? '',
      periodEnd: form['to'] ?? '',
      kpis: carried.map((kpiId) => ({ kpiId, targetAt: form[`at:${kpiId}`] ?? '', targetValue: form[`target:${kpiId}`] ?? '', reason: form[`reason:${kpiId}`] ?? '' })),
    };
    const read = readNextPeriodFields(fields, (id) => data.kpis.find((k) => k.id === id), staffPage(c).today);
    if (!read.ok) return render(c, data, plan, form, errorsOf(read.problems.map((p) => ({ field: p.field, text: lang === 'en' ? p.en : p.ja }))), 422);
    const r = await startNextPeriod(db, store, { ...read.input, cityId: data.city.id, actor: actorName(user) });
    if (!r.ok) {
      if (r.kind === 'unknown-city') return staffNotFound(c);
      if (r.kind === 'conflict') return render(c, data, plan, form, { id: staffPage(c).ctx.t('period.next.conflict') }, 409);
      return render(c, data, plan, form, errorsOf(r.problems.map((p) => ({ field: p.field === 'period' ? 'from' : p.field === 'from' ? 'id' : p.field, text: lang === 'en' ? describeNextPeriodProblem(p).en : describeNextPeriodProblem(p).ja }))), 422);
    }
    return redirectWithNotice(c, `/staff/cities/${data.city.id}/plans/${r.plan.id}`, 'period.next.created');
  });

  return app;
}

/** Field → message, several messages of one field joined. */
function errorsOf(problems: readonly { field: string; text: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) out[p.field] = out[p.field] ? `${out[p.field]} ${p.text}` : p.text;
  return out;
}

/** A suggested id for the next plan: `…-1` → `…-2`, else `…-next`. */
function nextId(id: string): string {
  const m = /^(.*-)(\d+)$/.exec(id);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${id}-next`;
}
