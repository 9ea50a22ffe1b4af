import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { generateCity } from '../../bench/national/generate.ts';

/*
 * Issue 11.5 writes the city page's headline cards, count tables and filter options, and the KPI
 * page's revision, by-target and "about" tables as escaped strings (markup.ts). A hostile KPI name,
 * unit, department and revision reason (markup characters, both quotes, an ampersand, a very long
 * run) must reach those pages as text, escaped exactly as the JSX escaped it (& < > " ' as
 * entities, nothing else touched), in every cell that prints it. U+2028 is refused at import
 * (an invisible format character), so it is covered by src/web/views/markup-rows.test.tsx.
 */

const H = `<b>&"'x${'長'.repeat(300)}`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const city = generateCity(5);
const unit = `u${H.slice(0, 12)}`;
const dept = `課${H}`;
const reason = `理由${H}`;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: false, inMemory: true }, { announce: () => {} });
  const file = structuredClone(city.file);
  for (const i of [0, 1, 2]) {
    const k = file.kpis[i]! as (typeof file.kpis)[number] & { department?: string };
    const old = k.unit;
    const relabel = (value: string | number) => { const v = String(value); return v.endsWith(old) ? v.slice(0, v.length - old.length) + unit : v; };
    k.name = `指標${i}${H}`;
    k.nameEn = `KPI${i}${H}`;
    k.unit = unit;
    k.department = dept;
    k.baseline.value = relabel(k.baseline.value);
    for (const o of k.observations) o.value = relabel(o.value);
    const t = { ...k.targets[0]!, value: relabel(k.targets[0]!.value) };
    // Two targets (the rates by target), each revised (the revision table) with a hostile reason.
    k.targets = [
      { id: '2025', at: '2025年度', value: t.value, revisions: [{ old: `1 ${unit}`, new: t.value, reason, on: '2023-04-01' }] },
      { ...t, revisions: [{ old: `3,000 ${unit}`, new: t.value, reason: `再${H}`, on: '2024-04-01' }] },
    ] as typeof k.targets;
  }
  const r = await importPlanData(ctx.db, file, 'test');
  expect(r.ok, JSON.stringify(!r.ok && r.error.slice(0, 3))).toBe(true);
  ctx.store.invalidate(city.id);
  await ctx.store.settled();
  app = createApp({ db: ctx.db, store: ctx.store });
}, 120_000);
afterAll(() => ctx?.close());

async function page(path: string): Promise<string> {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  const html = await res.text();
  expect(html, path).not.toContain('<b>');
  return html;
}

describe('hostile KPI text on the markup-built parts of the city and KPI pages (issue 11.5)', () => {
  it('the city page: headline cards, the department count table and the department filter option print it escaped', async () => {
    for (const q of ['', '?lang=en']) {
      const html = await page(`/cities/${city.id}${q}`);
      const headline = /<ul class="headline-grid">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
      expect(headline).toContain(`<a href="/cities/${city.id}/kpis/kpi-1${q}">${esc(q ? `KPI0${H}` : `指標0${H}`)}</a></h3>`);
      expect(headline).toContain(` ${esc(unit)}<span class="muted small"> / `);
      expect(html).toContain(`<option value="${esc(dept)}">${esc(dept)}</option>`);
      const sep = q ? ': ' : '：';
      expect(html).toContain(`<tr><th scope="row">${esc(dept)}</th>`);
      expect(html).toMatch(new RegExp(`aria-label="${esc(dept)}${sep}[^"]+ 3">3</a></td></tr>`));
    }
    const progress = await page(`/cities/${city.id}/progress`);
    expect(progress).toContain(`<tr><th scope="row">${esc(dept)}</th>`);
  });

  it('the KPI page: its facts, "about", revision and by-target tables print it escaped', async () => {
    for (const q of ['', '?lang=en']) {
      const html = await page(`/cities/${city.id}/kpis/kpi-1${q}`);
      expect(html).toContain(`<dd>${esc(dept)}</dd>`);
      expect(html).toContain(`<dd class="prewrap">${esc(dept)}</dd>`);
      expect(html).toContain(`<td>${esc(reason)}</td></tr>`);
      expect(html).toContain(`<td>${esc(`再${H}`)}</td></tr>`);
      expect(html).toMatch(new RegExp(`<td class="num">1 ${esc(unit)} → [\\d,.]+ ${esc(unit)}</td>`));
      const byTarget = /<caption id="bytarget-caption">.*?<\/table>/s.exec(html)?.[0] ?? '';
      expect(byTarget.match(/<tr><th scope="row">/g)?.length).toBe(2);
      expect(byTarget).toContain(` ${esc(unit)}`);
    }
  });
});
