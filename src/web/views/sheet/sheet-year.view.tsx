import { Layout } from '../layout.tsx';
import type { ViewContext } from '../view-context.ts';

/** What the page of a reporting year outside a plan's period shows (a view model, no rows). */
export interface SheetYearModel {
  readonly cityId: string;
  readonly cityName: string;
  readonly plan: { readonly id: string; readonly title: string; readonly periodStart: number; readonly periodEnd: number };
  /** The year asked for, or null when the input was not a year. */
  readonly year: number | null;
  /** The input as typed (for the message when it is not a year). */
  readonly input: string;
  /** The plans of the city whose period holds the year, with the href of their sheet of that year. */
  readonly covering: readonly { readonly id: string; readonly title: string; readonly periodStart: number; readonly periodEnd: number; readonly href: string }[];
  /** The plan's own reporting years with the href of each sheet. */
  readonly planYears: readonly { readonly year: number; readonly href: string }[];
}

/**
 * The answer to `…/sheet?year=Y` for a year outside the plan's period (issue 13.4): in the
 * site's layout, saying the plan's period and linking the plans whose period holds Y (the
 * next period's plan for 2024 of a 2021–2023 plan) and the plan's own years.
 */
export function SheetYearView(props: { ctx: ViewContext; model: SheetYearModel }) {
  const { ctx, model } = props;
  const t = ctx.t;
  const planHref = ctx.href(`/cities/${model.cityId}/plans/${model.plan.id}`);
  return (
    <Layout ctx={ctx} title={t('period.sheetYear.title')} breadcrumbs={[{ href: ctx.href(`/cities/${model.cityId}`), label: model.cityName }, { href: planHref, label: model.plan.title }]}>
      <h1>{t('period.sheetYear.title')}</h1>
      {model.year === null ? (
        <p>
          {t('period.sheetYear.badInput')}（「{model.input}」）
        </p>
      ) : (
        <p>
          {ctx.lang === 'ja' ? `${model.year}年` : String(model.year)} {t('period.sheetYear.lead')} <a href={planHref}>{model.plan.title}</a>（{model.plan.periodStart}–{model.plan.periodEnd}）
        </p>
      )}
      {model.year !== null &&
        (model.covering.length > 0 ? (
          <section aria-labelledby="covering">
            <h2 id="covering">{t('period.sheetYear.covering')}</h2>
            <ul>
              {model.covering.map((p) => (
                <li>
                  <a href={p.href}>
                    {p.title}（{p.periodStart}–{p.periodEnd}）{t('period.sheetYear.sheetOf')}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <p>{t('period.sheetYear.none')}</p>
        ))}
      <section aria-labelledby="plan-years">
        <h2 id="plan-years">{t('period.sheetYear.yearsOfPlan')}</h2>
        <ul>
          {model.planYears.map((y) => (
            <li>
              <a href={y.href}>{y.year}</a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
