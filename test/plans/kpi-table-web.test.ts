import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCityData, saveCityData } from '../../src/cities/city-data.service.ts';
import { makeUser, StaffClient } from '../web/staff-helpers.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import ExcelJS from 'exceljs';
import { ichinosekiXlsx, printedRows, seed } from './kpi-table-fixtures.ts';

/**
 * The city's own edit of an exported sheet: a 方向 column after each table's last heading, with
 * 「減少」 on the rows of the smaller-is-better KPIs (the export, in the Cabinet Office layout, has none).
 */
async function withDirectionColumn(xlsx: Buffer): Promise<Buffer> {
  const down = seed('ichinoseki').kpis.filter((k) => k.direction === 'down').map((k) => k.name);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  for (const ws of wb.worksheets) {
    let column = 0;
    ws.eachRow((row) => {
      const texts: string[] = [];
      row.eachCell((c) => texts.push(String(c.text ?? '')));
      if (texts.some((x) => x.startsWith('指標名'))) {
        column = row.cellCount + 1;
        row.getCell(column).value = '方向';
      } else if (column > 0 && texts.some((x) => down.some((name) => x.startsWith(name)))) row.getCell(column).value = '減少';
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/*
 * Issue 13.5 through the staff area: the secretariat downloads the KPI-list template, uploads a
 * KPI table (the app's own exported progress sheet, and a table typed as Ichinoseki printed
 * it), sees the plan tree and every KPI with its problems at row and column, and commits; the
 * public plan page then shows the KPIs. Another city's secretariat is refused.
 */

let t: StaffTestApp;
let sec: StaffClient;
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await startStaffTestApp('pglite');
  for (const id of ['web-a', 'web-b']) {
    await saveCityData(t.ctx.db, { city: { id, name: `取込市${id}`, nameEn: id, prefecture: '岩手県', prefectureEn: 'Iwate' }, documents: [], kpis: [], plans: [], publishedRates: [] }, 'test');
  }
  t.ctx.store.invalidate('web-a');
  await makeUser(t.ctx, 'kt-sec', 'web-a', 'secretariat');
  await makeUser(t.ctx, 'kt-other', 'tsukuba', 'secretariat');
  sec = new StaffClient(t.app);
  await sec.login('kt-sec');
}, 180_000);
afterAll(() => t?.stop());

async function upload(client: StaffClient, city: string, name: string, bytes: Buffer, plan = '') {
  await client.get(`/staff/cities/${city}/kpi-table`);
  const form = new FormData();
  form.set('_csrf', client.csrf);
  form.set('plan', plan);
  form.set('file', new File([new Uint8Array(bytes)], name));
  const res = await t.app.request(`/staff/cities/${city}/kpi-table`, { method: 'POST', headers: { cookie: client.cookieHeader() }, body: form });
  const text = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(text);
  if (token) client.csrf = token[1]!;
  return { status: res.status, text, commit: /action="([^"]+\/commit)"/.exec(text)?.[1] };
}

describe('KPI-table import in the staff area', () => {
  it('offers the template with Japanese headings', async () => {
    const res = await sec.get('/staff/cities/web-a/kpi-table/template.csv');
    expect(res.status).toBe(200);
    expect(res.text).toContain('指標名,SDGターゲット,単位,当初値の時点,当初値');
    // The period row first: a new plan needs it.
    expect(res.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('計画期間：2024年～2026年');
  });

  it('another city’s secretariat is refused', async () => {
    const other = new StaffClient(t.app);
    await other.login('kt-other');
    expect((await other.get('/staff/cities/web-a/kpi-table')).status).toBe(403);
  });

  it('the app’s own exported 2023 sheet of Ichinoseki imports into a fresh city: preview, commit, public page', async () => {
    const exported = Buffer.from(await (await t.app.request('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheet.xlsx?year=2023')).arrayBuffer());
    // As exported (no 方向 column), the CO2 KPI's target below its baseline is refused at its row: direction is never guessed.
    const refused = await upload(sec, 'web-a', 'ichinoseki-2023.xlsx', exported, 'web-a-sdgs');
    expect(refused.status).toBe(422);
    expect(refused.commit).toBeUndefined();
    expect(visible(refused.text)).toMatch(/目標値 -20\.4 が当初値 -11\.4 を下回っています/);
    const xlsx = await withDirectionColumn(exported);
    const preview = await upload(sec, 'web-a', 'ichinoseki-2023.xlsx', xlsx, 'web-a-sdgs');
    expect(preview.status).toBe(200);
    const text = visible(preview.text);
    expect(text).toContain('新規就農者数');
    expect(text).toContain('新規');
    expect(preview.commit).toBeDefined();
    const commit = await sec.post(preview.commit!, { plan: 'web-a-sdgs' });
    expect(commit.status).toBe(303);
    expect(commit.location).toContain('/staff/cities/web-a/plans/web-a-sdgs');
    const data = (await loadCityData(t.ctx.db, 'web-a'))!;
    expect(data.kpis.length).toBeGreaterThanOrEqual(9);
    const farmers = data.kpis.find((k) => k.name.startsWith('新規就農者数'))!;
    expect(farmers.baseline.value).toBe(13);
    expect(farmers.observations.map((o) => o.value)).toContain(101);
    expect(data.kpis.filter((k) => k.direction === 'down').map((k) => k.baseline.value)).toEqual([-11.4]);
    const page = visible(await (await t.app.request('/cities/web-a/plans/web-a-sdgs')).text());
    expect(page).toContain('新規就農者数');
    // The same file again: nothing to change, no commit button.
    const again = await upload(sec, 'web-a', 'ichinoseki-2023.xlsx', xlsx, 'web-a-sdgs');
    expect(again.commit).toBeUndefined();
    expect(visible(again.text)).toContain('変更はありません');
  });

  it('a bad table shows each problem at row and column and writes nothing', async () => {
    const rows = printedRows('ichinoseki').map((r, i) => (i === 0 ? { ...r, actual: { at: '2031年', value: '101 人' } } : r));
    const res = await upload(sec, 'web-a', 'bad.xlsx', await ichinosekiXlsx(rows), 'web-a-bad');
    expect(res.status).toBe(422);
    expect(res.commit).toBeUndefined();
    expect(visible(res.text)).toMatch(/6 G 実績の時点 2031 が将来です/);
    expect((await loadCityData(t.ctx.db, 'web-a'))!.plans.map((p) => p.id)).not.toContain('web-a-bad');
    const none = await upload(sec, 'web-a', 'empty.csv', Buffer.from(''), '');
    expect(none.status).toBe(422);
  });
});
