import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { expect, it } from 'vitest';
import { prepareSheet } from '../../src/sheets/progress-sheet.service.ts';
import { sheetHtml } from '../../src/web/views/sheet/render.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { StaffClient } from './staff-helpers.ts';

/*
 * Issue 10.1, "public pages, API, downloads, sheets and search … say which years are not yet
 * published": the progress sheet (HTML view, the PDF printed from the same HTML, the .xlsx), the
 * open-data zip (README and datapackage.json) and the search page carry the city page's note
 * while a year the sheet shows (or a city found) is unpublished, and drop it once the year is
 * published. Before, /sheet?year=2024 showed the 2023 actuals under a 2024 heading with no note.
 * On PGlite and PostgreSQL.
 */

const SHEET = '/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021/sheet';
const NOTE_JA = '2024年の実績等は、事務局の確認・公開前のため表示していません。';
const NOTE_EN = 'Figures of 2024 are not shown: the secretariat has not reviewed and published them yet.';

describeStaffApp('the unpublished-years note on the sheet, the open-data zip and the search', [['un-sec', 'ichinoseki', 'secretariat']], (t) => {
  const get = async (path: string) => {
    const res = await t().app.request(path);
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
  };
  const html = async (path: string) => strFromU8((await get(path)).bytes);
  /** The `data-years` of each unpublished-years note of a page (one per note). */
  const notes = (page: string) => [...page.matchAll(/class="notice unpublished-years"[^>]*data-years="([^"]*)"/g)].map((m) => m[1]);
  /** Every text cell of the sheet workbook, joined. */
  const xlsxText = async (path: string) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(path)).bytes as unknown as ArrayBuffer);
    const out: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void out.push(String(cell.value ?? '')))));
    return out.join('\n');
  };
  const zip = async () => {
    const files = unzipSync((await get('/cities/ichinoseki/download.zip')).bytes);
    const file = (name: string) => strFromU8(files[`ichinoseki/${name}`]!);
    return { readme: file('README.txt'), unpublished: (JSON.parse(file('datapackage.json')) as { unpublished_years: number[] }).unpublished_years };
  };
  /** The HTML the PDF of the sheet is printed from, built from the public view as the route builds it. */
  const pdfHtml = async (year: number) => {
    const r = prepareSheet((await t().ctx.store.get('ichinoseki'))!, { planId: 'ichinoseki-latter-basic-plan-2021', kind: undefined, year: String(year), today: new Date(), generatedOn: '2026-12-01' });
    if (!r.ok) throw new Error(r.error.kind);
    return sheetHtml(r.sheet, 'ja');
  };
  const search = async () => html('/search?q=新規就農者数');

  it('says 2024 is not published on each output while it is not, and no more once it is', async () => {
    // While 2024 is held: the 2024 sheet says so (ja and en), in its HTML (the PDF's too) and its workbook.
    const sheet = await html(`${SHEET}?year=2024`);
    expect(notes(sheet)).toEqual(['2024']);
    expect(sheet).toContain(NOTE_JA);
    expect(await html(`${SHEET}?year=2024&lang=en`)).toContain(NOTE_EN);
    expect(await xlsxText(`${SHEET}.xlsx?year=2024`)).toContain(NOTE_JA);
    expect(await xlsxText(`${SHEET}.xlsx?year=2024&lang=en`)).toContain(NOTE_EN);
    // The PDF route prints exactly this HTML (sheet.routes.tsx: sheetHtml without the toolbar).
    expect(await pdfHtml(2024)).toContain(NOTE_JA);
    // A year before it shows nothing held back: no note.
    expect(notes(await html(`${SHEET}?year=2023`))).toEqual([]);
    expect(await xlsxText(`${SHEET}.xlsx?year=2023`)).not.toContain('事務局の確認・公開前');
    const before = await zip();
    expect(before.unpublished).toContain(2024);
    expect(before.readme).toMatch(/2024[^\r\n]*年の実績等は、事務局の確認・公開前のため表示していません。/);
    expect(before.readme).toMatch(/Figures of [^\r\n]*2024[^\r\n]* are not shown/);
    const found = await search();
    expect(found).toContain('新規就農者数');
    expect(found).toMatch(/data-city="ichinoseki" data-years="[^"]*2024/);
    expect(found).toMatch(/一関市：[^<]*2024[^<]*年の実績等は、事務局の確認・公開前のため表示していません/);

    const sec = new StaffClient(t().app);
    expect((await sec.login('un-sec')).status).toBe(303);
    await sec.get('/staff/cities/ichinoseki/publication');
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);

    // Published: the 2024 sheet holds nothing back; 2024 leaves the zip's and the search's notes.
    expect(notes(await html(`${SHEET}?year=2024`))).toEqual([]);
    expect(await pdfHtml(2024)).not.toContain('事務局の確認・公開前');
    expect(await xlsxText(`${SHEET}.xlsx?year=2024`)).not.toContain('事務局の確認・公開前');
    const after = await zip();
    expect(after.unpublished).not.toContain(2024);
    expect(after.readme).not.toMatch(/2024[^\r\n]*年の実績等は/);
    expect(await search()).not.toMatch(/data-years="[^"]*2024/);
  });
});
