import type { StatusOverride } from '../../core/city/city.ts';
import type { KpiEvaluation } from '../../core/kpi/kpi-evaluation.ts';
import type { Kpi, PreciseValue } from '../../core/kpi/kpi.ts';
import { formatTimePointIso } from '../../core/time/time-point.ts';

/**
 * A KPI's figures and computed results as the API publishes them. `status` is the computed
 * status; `status_override` the one the secretariat set instead (with its justification), or null.
 */
export function kpiJson(kpi: Kpi, e: KpiEvaluation | null, override?: StatusOverride) {
  const a = e?.status.achievement ?? null;
  return {
    id: kpi.id,
    name: kpi.name,
    name_en: kpi.nameEn ?? null,
    unit: kpi.unit,
    sdg_targets: kpi.sdgTargets,
    side: kpi.side,
    baseline: { at: formatTimePointIso(kpi.baseline.at), value: kpi.baseline.value, precise: preciseJson(kpi.baseline.precise) },
    latest_actual: e?.latest ? { at: formatTimePointIso(e.latest.at), value: e.latest.value, precise: preciseJson(e.latest.precise) } : null,
    target: e ? { id: e.target.id, at: formatTimePointIso(e.target.at), value: e.target.value, precise: preciseJson(e.target.precise) } : null,
    rate: a?.rate ?? null,
    display_rate: a?.displayRate ?? null,
    status: e?.status.status ?? 'no-data',
    status_explanation: e?.status.record.explanation ?? null,
    status_override: override ? { status: override.status, justification: override.justification, decided_on: override.decidedOn } : null,
    forecast: e ? { verdict: e.forecast.verdict, projected_value: e.forecast.projectedValue, margin: e.forecast.margin } : null,
    un_progress_chart: e ? { category: e.un.category, ratio: e.un.ratio, projected_value: e.un.projectedValue } : null,
    open_sdg_progress: e ? { status: e.openSdg.status, ratio: Number.isFinite(e.openSdg.ratio) ? e.openSdg.ratio : null } : null,
  };
}

/**
 * The unrounded value behind a printed figure (rates use it; `value` is as printed), with its
 * source and basis ("stated" or "inferred-from-published-rate"); null when there is none.
 */
export function preciseJson(p: PreciseValue | undefined) {
  return p ? { value: p.value, source: p.source, basis: p.basis } : null;
}
