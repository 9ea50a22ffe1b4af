import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { MAX_IMPORT_ROWS } from '../../src/actuals/observation-import.service.ts';
import { listChangeLog } from '../../src/storage/change-log.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { makeUser, TEST_PASSWORD } from './staff-helpers.ts';

/*
 * The staff import through HTTP: upload → preview (problems listed and marked) → commit, with
 * permissions, CSRF, the upload kept server-side and bound to the session and city, hostile
 * files, the body limit, and a server that keeps answering during a large preview.
 */

let ctx: AppContext;
let app: Hono;
const HEADER = '指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典';

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  await makeUser(ctx, 'imp-sec', 'ichinoseki', 'secretariat');
  await makeUser(ctx, 'imp-sec2', 'ichinoseki', 'secretariat');
  await makeUser(ctx, 'imp-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(ctx, 'imp-viewer', 'ichinoseki', 'viewer');
  await makeUser(ctx, 'imp-tsu', 'tsukuba', 'secretariat');
  await makeUser(ctx, 'imp-both', 'tsukuba', 'secretariat');
  const { setUserRole, findUserByUsername } = await import('../../src/auth/user.repository.ts');
  const both = await findUserByUsername(ctx.db, 'imp-both');
  await setUserRole(ctx.db, both!.id, 'ichinoseki', 'secretariat', null);
});
afterAll(() => ctx.close());

interface Answer {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/** A logged-in browser: keeps its cookies and the CSRF token of the last page. */
class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  async send(path: string, init: { method?: string; body?: string | FormData | ReadableStream<Uint8Array>; headers?: Record<string, string>; duplex?: 'half' } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await app.request(path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined && { body: init.body }), ...(init.duplex && { duplex: init.duplex }) } as RequestInit);
    for (const c of res.headers.getSetCookie()) {
      const [name, ...v] = c.split(';')[0]!.split('=');
      if (/max-age=0/i.test(c) || v.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), v.join('='));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
  }

  async login(username: string): Promise<this> {
    await this.send('/staff/login');
    const r = await this.send('/staff/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, username, password: TEST_PASSWORD }).toString(),
    });
    expect(r.status).toBe(303);
    return this;
  }

  /** Uploads a file on the city's import page (the page is loaded first, for its CSRF token). */
  async upload(city: string, name: string, content: string | Uint8Array, opts: { csrf?: boolean } = {}): Promise<Answer> {
    await this.send(`/staff/cities/${city}/import`);
    const form = new FormData();
    if (opts.csrf !== false) form.set('_csrf', this.csrf);
    form.set('file', new File([typeof content === "string" ? content : new Uint8Array(content)], name));
    return this.send(`/staff/cities/${city}/import`, { method: 'POST', body: form });
  }

  async commit(city: string, id: string, extra: Record<string, string> = {}): Promise<Answer> {
    return this.send(`/staff/cities/${city}/import/${id}/commit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...extra }).toString(),
    });
  }
}

const login = (username: string) => new Browser().login(username);
const uploadId = (html: string) => /\/import\/([A-Za-z0-9_-]{32})\/commit"/.exec(html)?.[1] ?? null;
const anyUploadId = (html: string) => /\/import\/([A-Za-z0-9_-]{32})\//.exec(html)?.[1] ?? null;
const logSize = async (cityId = 'ichinoseki') => (await listChangeLog(ctx.db, { cityId })).length;
const actual = async (kpi: string, year: number) =>
  (await ctx.store.getStaff('ichinoseki'))!.data.kpis.find((k) => k.id === kpi)!.observations.find((o) => o.at.kind === 'year' && o.at.year === year);
/** The n-th day from 1 January 1900, as printed (daily figures give 100,000 distinct time points). */
const dayOf = (n: number) => {
  const d = new Date(Date.UTC(1900, 0, 1) + n * 86_400_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
};
const csv = (...rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;

describe('importing actuals in the staff area', () => {
  it('previews every problem (row, column, raw value, what is wrong; marked in words), writes nothing, then commits the fixed file once', async () => {
    const b = await login('imp-sec');
    expect((await b.send('/staff/cities/ichinoseki')).text).toContain('href="/staff/cities/ichinoseki/import"');
    const page = await b.send('/staff/cities/ichinoseki/import');
    expect(page.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toContain('/cities/ichinoseki/import-template.xlsx');
    expect(page.text).toContain('/cities/ichinoseki/import-template.csv');

    const before = await logSize();
    const bad = await b.upload('ichinoseki', 'actuals.csv', csv('new-farmers,,,2031年,240,人,,', 'fuel-wood-production,,,2031年,たくさん,BDt,,', 'women-on-councils,,,2031年13月,30,％,,', 'no-such-kpi,,,2031年,1,件,,'));
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('<caption>問題の一覧（3件）');
    expect(bad.text).toContain('class="error-summary" role="alert"');
    const rows = [...bad.text.matchAll(/<tr id="problem-\d+" data-kind="([a-z-]+)"><th scope="row" class="num">(\d+)<\/th><td>([A-Z]+)<\/td><td class="problem-cell"[^>]*><strong[^>]*>⚠ 問題<\/strong>：<code>([^<]*)<\/code><\/td><td>([^<]+)<\/td>/g)].map((m) => m.slice(1, 5));
    expect(rows).toEqual([
      ['text-in-number-cell', '3', 'E', 'たくさん'],
      ['unreadable-date', '4', 'D', '2031年13月'],
      ['unknown-kpi', '5', 'A', 'no-such-kpi'],
    ]);
    expect(bad.text).not.toContain('/commit"');
    expect(await logSize()).toBe(before);
    const problemsCsv = await b.send(`/staff/cities/ichinoseki/import/${anyUploadId(bad.text)}/problems.csv`);
    expect(problemsCsv.headers.get('content-type')).toContain('text/csv');
    expect(problemsCsv.text.split('\r\n').filter(Boolean)).toHaveLength(4);

    const good = await b.upload('ichinoseki', 'actuals.csv', csv('new-farmers,,,2031年,240,人,速報値,農政課', 'fuel-wood-production,,,2031年,"1,234",BDt,,'));
    expect(good.status).toBe(200);
    expect(good.text).toContain('問題はありません');
    expect(good.text).toContain('<caption>登録される変更（2件）</caption>');
    const id = uploadId(good.text)!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await actual('new-farmers', 2031)).toBeUndefined();

    // A re-posted preview is never trusted: only the kept file is read.
    const done = await b.commit('ichinoseki', id, { value: '999999', kpi: 'women-on-councils', path: '/etc/passwd' });
    expect(done.status).toBe(303);
    expect(done.location).toContain('/staff/cities/ichinoseki/import?notice=staff.import.committed');
    const notice = await b.send(done.location!);
    expect(notice.text).toContain('2件の実績を登録しました（actuals.csv）');
    expect(await actual('new-farmers', 2031)).toMatchObject({ value: 240, note: '速報値', source: '農政課' });
    expect(await actual('fuel-wood-production', 2031)).toMatchObject({ value: 1234 });
    const log = (await listChangeLog(ctx.db, { cityId: 'ichinoseki' })).slice(before);
    expect(log.map((e) => [e.entity_id, e.actor, e.reason])).toEqual([
      ['new-farmers@2031', 'imp-sec (imp-sec)', '取り込み: actuals.csv'],
      ['fuel-wood-production@2031', 'imp-sec (imp-sec)', '取り込み: actuals.csv'],
    ]);

    // The kept file is gone after its commit; importing the same file again changes nothing.
    expect((await b.commit('ichinoseki', id)).status).toBe(410);
    const again = await b.upload('ichinoseki', 'actuals.csv', csv('new-farmers,,,2031年,240,人,速報値,農政課', 'fuel-wood-production,,,2031年,"1,234",BDt,,'));
    expect(again.text).toContain('取り込む変更はありません');
    expect(uploadId(again.text)).toBeNull();
    expect(await logSize()).toBe(before + 2);
  });

  it('binds the kept file to the session and the city that uploaded it', async () => {
    const b = await login('imp-both');
    const r = await b.upload('ichinoseki', 'bound.csv', csv('new-farmers,,,2032年,250,人,,'));
    const id = uploadId(r.text)!;
    const other = await login('imp-sec2');
    await other.send('/staff/cities/ichinoseki/import'); // its own CSRF token
    expect((await other.commit('ichinoseki', id)).status).toBe(410);
    expect((await b.commit('tsukuba', id)).status).toBe(410);
    expect((await b.send(`/staff/cities/ichinoseki/import/${'x'.repeat(32)}`)).status).toBe(410);
    expect(await actual('new-farmers', 2032)).toBeUndefined();
    expect((await b.commit('ichinoseki', id)).status).toBe(303);
    expect(await actual('new-farmers', 2032)).toMatchObject({ value: 250 });
  });

  it('is for staff who enter actuals: viewers are refused, a department editor imports only its own KPIs; CSRF is required', async () => {
    const viewer = await login('imp-viewer');
    expect((await viewer.send('/staff/cities/ichinoseki/import')).status).toBe(403);
    expect((await viewer.upload('ichinoseki', 'v.csv', csv('new-farmers,,,2033年,1,人,,'))).status).toBe(403);
    const tsukuba = await login('imp-tsu');
    expect((await tsukuba.send('/staff/cities/ichinoseki/import')).status).toBe(403);
    expect((await new Browser().send('/staff/cities/ichinoseki/import')).status).toBe(303);

    const agri = await login('imp-agri');
    const mixed = await agri.upload('ichinoseki', 'mixed.csv', csv('new-farmers,,,2033年,160,人,,', 'co2-reduction-vs-2013,,,2033年,-30,％,,'));
    expect(mixed.status).toBe(422);
    expect(mixed.text).toContain('data-kind="kpi-not-permitted"');
    expect(mixed.text).toContain('担当課の指標だけを入力できます');
    expect(uploadId(mixed.text)).toBeNull();
    const own = await agri.upload('ichinoseki', 'own.csv', csv('new-farmers,,,2033年,160,人,,'));
    const id = uploadId(own.text)!;

    const before = await logSize();
    expect((await agri.upload('ichinoseki', 'nocsrf.csv', csv('new-farmers,,,2034年,1,人,,'), { csrf: false })).status).toBe(403);
    const noToken = await agri.send(`/staff/cities/ichinoseki/import/${id}/commit`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(noToken.status).toBe(403);
    expect(await logSize()).toBe(before);
    expect((await agri.commit('ichinoseki', id)).status).toBe(303);
    expect(await actual('new-farmers', 2033)).toMatchObject({ value: 160 });
  });
});

describe('hostile or broken files through the web', () => {
  const refused = async (b: Browser, name: string, content: string | Uint8Array, message: RegExp) => {
    const before = await logSize();
    const r = await b.upload('ichinoseki', name, content);
    expect(r.status).toBe(422);
    expect(r.text).toContain('ファイルを取り込めません');
    expect(r.text).toMatch(message);
    expect(r.text).toContain('何も登録していません');
    expect(uploadId(r.text)).toBeNull();
    expect(await logSize()).toBe(before);
  };

  it('gives each a clear message and writes nothing', async () => {
    const b = await login('imp-sec');
    await refused(b, 'empty.csv', '', /ファイルが空です/);
    await refused(b, 'report.xlsx', '%PDF-1.7 not a workbook', /Excel（\.xlsx）形式のファイルではありません/);
    await refused(b, 'bomb.xlsx', zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(400 * 1024 * 1024) }, { level: 9 }), /展開後の大きさが上限を超える/);
    await refused(b, 'plan.pdf', 'x', /取り込めない種類のファイル/);
    const lines = [HEADER];
    for (let i = 0; i <= MAX_IMPORT_ROWS; i++) lines.push(`new-farmers,,,${1000 + Math.floor(i / 12)}年${(i % 12) + 1}月,${i % 90},人,,`);
    await refused(b, 'many.csv', lines.join('\n'), /行数が上限（100,000行）を超えています/);
  });

  it('lists formulas referring to other workbooks and merged cells in the data as problems', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('実績');
    ws.addRow(HEADER.split(','));
    ws.addRow(['new-farmers', '', '', '2035年', { formula: '[1]Sheet1!A1', result: 200 }, '人']);
    ws.addRow(['fuel-wood-production', '', '', '2035年', 470, 'BDt']);
    ws.addRow(['fuel-wood-production', '', '', '2036年', 480, 'BDt']);
    ws.mergeCells('E3:E4');
    const b = await login('imp-sec');
    const before = await logSize();
    const r = await b.upload('ichinoseki', 'hostile.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(r.status).toBe(422);
    expect(r.text).toContain('data-kind="external-reference"');
    expect(r.text).toContain('<code>=[1]Sheet1!A1</code>');
    expect(r.text.match(/data-kind="merged-cells"/g)).toHaveLength(2);
    expect(uploadId(r.text)).toBeNull();
    expect(await logSize()).toBe(before);
  });

  it('refuses an upload over 50 MB by its Content-Length before reading it, and a chunked one while it streams', async () => {
    const b = await login('imp-sec');
    await b.send('/staff/cities/ichinoseki/import');
    let pulled = 0;
    const untouched = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const declared = await b.send('/staff/cities/ichinoseki/import', {
      method: 'POST',
      body: untouched,
      duplex: 'half',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * 1024 * 1024), 'x-csrf-token': b.csrf },
    });
    expect(declared.status).toBe(413);
    expect(declared.text).toContain('ファイルが大きすぎます');
    expect(declared.text).toContain('上限は 50 MB');
    expect(pulled).toBeLessThanOrEqual(1); // a stream may prefetch one chunk; nothing was read by the app

    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > 80 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await b.send('/staff/cities/ichinoseki/import', { method: 'POST', body: endless, duplex: 'half', headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-csrf-token': b.csrf } });
    expect(streamed.status).toBe(413);
    expect(streamed.text).toContain('ファイルが大きすぎます');
    expect(sent).toBeLessThan(60 * 1024 * 1024);
  });

  it('keeps answering other requests while a 100,000-row file is previewed', async () => {
    const b = await login('imp-sec');
    const data = (await ctx.store.getStaff('ichinoseki'))!.data;
    const kpis = data.kpis.filter((k) => k.unit !== '％' && k.id !== 'sdgs-platform-groups');
    const lines = [HEADER];
    for (let i = 0; i < MAX_IMPORT_ROWS; i++) {
      const k = kpis[i % kpis.length]!;
      lines.push(`${k.id},,,${dayOf(Math.floor(i / kpis.length))},${i % 90},${k.unit},,`);
    }
    const finished: string[] = [];
    const big = b.upload('ichinoseki', 'big.csv', lines.join('\n')).then((r) => {
      finished.push('big');
      return r;
    });
    // Let the upload reach the preview, then ask for two other pages.
    await new Promise((r) => setTimeout(r, 300));
    const other = await login('imp-sec2');
    const page = await other.send('/staff/cities/ichinoseki/import');
    finished.push('other');
    const pub = await app.request('/cities/ichinoseki');
    finished.push('public');
    expect(page.status).toBe(200);
    expect(pub.status).toBe(200);
    const r = await big;
    expect(finished).toEqual(['other', 'public', 'big']);
    expect(r.text.match(/data-kind="[a-z-]+"[\s\S]{0,400}/)?.[0]).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.text).toContain(`<caption>登録される変更（${MAX_IMPORT_ROWS.toLocaleString()}件）</caption>`);
  }, 120_000);
});

describe('the published template', () => {
  it('downloads as .xlsx and .csv from public links, also on the open-data page', async () => {
    const csvRes = await app.request('/cities/ichinoseki/import-template.csv');
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-disposition')).toContain('ichinoseki-import-template.csv');
    const text = await csvRes.text();
    // The template's last column, 説明, explains a value that turns the status to behind or worsening.
    expect(text.split('\r\n')[0]).toBe(`${HEADER},説明`);
    expect(text).toContain('new-farmers,新規就農者数※累計');
    const xlsxRes = await app.request('/cities/ichinoseki/import-template.xlsx');
    expect(xlsxRes.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsxRes.arrayBuffer());
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual([...HEADER.split(','), '説明']);
    expect((await app.request('/cities/nowhere/import-template.csv')).status).toBe(404);
    const data = await (await app.request('/data')).text();
    expect(data).toContain('/cities/ichinoseki/import-template.xlsx');
    expect(data).toContain('/cities/tsukuba/import-template.csv');
  });
});
