import { PassThrough, Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { writeProgressSheetXlsx } from '../../formats/xlsx/progress-sheet.xlsx.ts';
import { PdfPrinter } from '../../formats/pdf/pdf-printer.ts';
import { errors } from '../errors.ts';
import { PdfQueue } from '../pdf-queue.ts';
import { parseLang } from '../../i18n/lang.ts';
import { t } from '../../i18n/messages.ts';
import { prepareSheet, sheetFileName } from '../../sheets/progress-sheet.service.ts';
import { sheetYears, type ProgressSheet } from '../../sheets/progress-sheet.ts';
import { sheetFooter, sheetHtml } from '../views/sheet/render.ts';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import type { CityData } from '../../core/city/city.ts';
import { plansCoveringYear } from '../../sheets/progress-sheet.service.ts';
import { viewContextOf } from '../request-context.ts';
import { SheetYearView, type SheetYearModel } from '../views/sheet/sheet-year.view.tsx';

/**
 * The progress evaluation sheets of a plan: the print view (`…/sheet?year=2023&kind=summary`),
 * the Excel workbook (`…/sheet.xlsx`) and the PDF (`…/sheet.pdf`), all built from the same
 * sheet model.
 */
export function sheetRoutes(deps: WebDeps, printer = new PdfPrinter()): Hono {
  const { store, pdfQueue } = deps;
  const clock = clockOf(deps);
  const app = new Hono();
  const queue = pdfQueue ?? new PdfQueue();

  const load = async (c: Context): Promise<{ sheet: ProgressSheet } | Response> => {
    const data = await store.get(c.req.param('city') ?? '');
    if (!data) return notFound(c);
    const r = prepareSheet(data, { planId: c.req.param('plan') ?? '', kind: c.req.query('kind'), year: c.req.query('year'), today: clock.now(), generatedOn: clock.todayInTokyo() });
    if (!r.ok) {
      if (r.error.kind === 'unknown-plan') return notFound(c);
      if (r.error.kind === 'bad-year') return await yearOutsidePlan(c, data, r.error.input);
      return c.text(t(parseLang(c.req.query('lang')), r.error.kind === 'bad-kind' ? 'sheets.unknownKind' : 'sheets.unknownYear'), 400);

    }
    return { sheet: r.sheet };
  };

  /**
   * A year outside the plan's period: 404 with a page in the site's layout that links the plans
   * whose period holds the year (issue 13.4), never a bare text. Not a 4-digit year at all
   * (`20x4`, `1e400`, `-5`): the same page with a 400, since that is an input error (brief:
   * every input error is a 400 with a clear message), not a missing sheet.
   */
  const yearOutsidePlan = async (c: Context, data: CityData, input: string): Promise<Response> => {
    const plan = data.plans.find((p) => p.id === c.req.param('plan'))!;
    const ctx = viewContextOf(c);
    const year = /^\d{4}$/.test(input.trim()) ? Number(input.trim()) : null;
    const sheetHref = (planId: string, y: number) => ctx.href(`/cities/${data.city.id}/plans/${planId}/sheet?year=${y}`);
    const model: SheetYearModel = {
      cityId: data.city.id,
      cityName: ctx.lang === 'en' ? data.city.nameEn : data.city.name,
      plan: { id: plan.id, title: plan.title, periodStart: plan.periodStart, periodEnd: plan.periodEnd },
      year,
      input,
      covering: year === null ? [] : plansCoveringYear(data, year).map((p) => ({ id: p.id, title: p.title, periodStart: p.periodStart, periodEnd: p.periodEnd, href: sheetHref(p.id, year) })),
      planYears: sheetYears(plan, clock.now()).map((y) => ({ year: y, href: sheetHref(plan.id, y) })),
    };
    return c.html(<SheetYearView ctx={ctx} model={model} />, year === null ? 400 : 404);
  };

  app.get('/cities/:city/plans/:plan/sheet', async (c) => {
    const r = await load(c);
    if (r instanceof Response) return r;
    const lang = parseLang(c.req.query('lang'));
    const base = `/cities/${r.sheet.city.id}/plans/${r.sheet.plan.id}`;
    return c.html(await sheetHtml(r.sheet, lang, { years: sheetYears(r.sheet.plan, clock.now()), base: `${base}/sheet`, planHref: lang === 'en' ? `${base}?lang=en` : base }));
  });

  app.get('/cities/:city/plans/:plan/sheet.xlsx', async (c) => {
    const r = await load(c);
    if (r instanceof Response) return r;
    const purposeInput = c.req.query('purpose') ?? 'submission';
    if (purposeInput !== 'submission' && purposeInput !== 'reimport') return c.text('purpose: submission or reimport', 400);
    const out = new PassThrough();
    writeProgressSheetXlsx(r.sheet, parseLang(c.req.query('lang')), out, purposeInput).catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
    return new Response(Readable.toWeb(out) as ReadableStream, {
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${sheetFileName(r.sheet, 'xlsx', purposeInput)}"`,
      },
    });
  });

  app.get('/cities/:city/plans/:plan/sheet.pdf', async (c) => {
    const r = await load(c);
    if (r instanceof Response) return r;
    const lang = parseLang(c.req.query('lang'));
    const sheet = r.sheet;
    // The data version at the request: a print that finishes after a write is kept for the old version only.
    const key = [sheet.city.id, sheet.plan.id, sheet.kind, sheet.year, lang, sheet.generatedOn].join('|');
    const result = await queue.get(key, store.version, async () => printer.print(await sheetHtml(sheet, lang), sheetFooter(sheet, lang)));
    if (!result.ok) throw errors.busy(result.error.retryAfterSeconds);
    const pdf = result.pdf;
    return new Response(pdf as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${sheetFileName(r.sheet, 'pdf')}"` },
    });
  });

  return app;
}
