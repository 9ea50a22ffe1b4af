import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCity } from '../../src/cities/city.repository.ts';
import { localGovernmentCheckDigit } from '../../src/core/city/local-government-code.ts';
import { PREFECTURES } from '../../src/core/city/prefectures.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';

/*
 * The home page with hundreds of cities (issue 13.1: "the home page scales to hundreds of cities
 * (search and prefecture grouping, not one long list)"), on PGlite and PostgreSQL: 300 cities
 * spread over ten prefectures (plus the three seeds). A prefecture's page lists that prefecture's
 * cities only, in 全国地方公共団体コード order; the unfiltered page is one page of 50 under JIS-ordered
 * prefecture headings with a pager; a name, a prefecture name or a code finds a city; every
 * page stays under a size a phone loads (asserted in bytes, never in time).
 */

const COUNT = 300;
/** Ten prefectures, deliberately inserted out of JIS order. */
const CHOSEN = ['47', '03', '13', '01', '27', '17', '40', '08', '23', '14'].map((code) => PREFECTURES.find((p) => p.code === code)!);
/** Bytes a list page may weigh: 50 cards with their status lines and the prefecture index, with room (about 13 kB measured). */
const MAX_BYTES = 60_000;

const cityOf = (i: number) => {
  const pref = CHOSEN[i % CHOSEN.length]!;
  // Municipality numbers descending, so id order and code order differ.
  const five = `${pref.code}${String(900 - i).padStart(3, '0')}`;
  return { id: `gen-${String(i).padStart(3, '0')}`, name: `${pref.ja.replace(/[都道府県]$/, '')}第${i}市`, nameEn: `Gen City ${i}`, pref, code: `${five}${localGovernmentCheckDigit(five)}` };
};
const cityLinks = (html: string) => [...html.matchAll(/<h3>\s*<a href="\/cities\/([^"]+)"/g)].map((m) => m[1]!);

describe.each(testDatabases())('the home page with 300 cities on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  let t: StaffTestApp;
  const get = async (path: string) => {
    const r = await t.app.request(path);
    const text = await r.text();
    return { status: r.status, text, bytes: Buffer.byteLength(text) };
  };
  beforeAll(async () => {
    t = await startStaffTestApp(database.name);
    for (let i = 0; i < COUNT; i++) {
      const c = cityOf(i);
      await insertCity(t.ctx.db, { id: c.id, name: c.name, name_en: c.nameEn, prefecture: c.pref.ja, prefecture_en: c.pref.en, local_government_code: c.code, sdgs_future_city_since: null, population: null, description: null });
    }
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("a prefecture's page lists that prefecture's cities only, in code order, and stays small", async () => {
    const iwate = await get(`/?prefecture=${encodeURIComponent('岩手県')}`);
    expect(iwate.status).toBe(200);
    const expected = Array.from({ length: COUNT }, (_, i) => cityOf(i))
      .filter((c) => c.pref.ja === '岩手県')
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((c) => c.id);
    expect(expected).toHaveLength(30);
    const links = cityLinks(iwate.text);
    // The seed ichinoseki is in Iwate too; it has a code of its own (032093) or none.
    expect(links.filter((id) => id !== 'ichinoseki')).toEqual(expected);
    expect(links).toContain('ichinoseki');
    expect(iwate.text).not.toContain('href="/cities/gen-000"'); // Okinawa
    expect(iwate.bytes).toBeLessThan(MAX_BYTES);
    console.log(`home page bytes on ${database.name}: Iwate ${iwate.bytes}`);
  });

  it('the unfiltered page is one page of 50 under prefecture headings in JIS order, with a pager to the rest', async () => {
    const first = await get('/');
    const links = cityLinks(first.text);
    expect(links).toHaveLength(50);
    expect(first.bytes).toBeLessThan(MAX_BYTES);
    const headings = [...first.text.matchAll(/<h2 class="prefecture-heading">([^<]+)<\/h2>/g)].map((m) => m[1]!);
    // 北海道 (01) first, then 岩手県 (03): JIS order, not insertion or name order.
    expect(headings.slice(0, 2)).toEqual(['北海道', '岩手県']);
    expect(first.text).toContain('?page=2');
    // Every city appears exactly once across the pages.
    const seen: string[] = [...links];
    for (let page = 2; page <= 7; page++) {
      const p = await get(`/?page=${page}`);
      expect(p.bytes).toBeLessThan(MAX_BYTES);
      seen.push(...cityLinks(p.text));
    }
    expect(seen).toHaveLength(COUNT + 3);
    expect(new Set(seen).size).toBe(COUNT + 3);
    const okinawa = seen.findIndex((id) => cityOf(0).id === id);
    expect(okinawa).toBeGreaterThan(seen.indexOf('kanazawa')); // 47 after 17
    console.log(`home page bytes on ${database.name}: first page ${first.bytes}`);
  });

  it('finds a city by name, by prefecture name and by its code; hostile queries answer a page, never a 500', async () => {
    const c = cityOf(123);
    expect(cityLinks((await get(`/?name=${encodeURIComponent(c.name)}`)).text)).toEqual([c.id]);
    expect(cityLinks((await get(`/?name=${c.code}`)).text)).toEqual([c.id]);
    expect(cityLinks((await get(`/?name=gen%20city%20123`)).text)).toEqual([c.id]);
    const byPrefName = cityLinks((await get(`/?name=${encodeURIComponent('沖縄')}`)).text);
    expect(byPrefName).toHaveLength(30);
    const none = await get(`/?name=${encodeURIComponent('存在しない町')}`);
    expect(none.status).toBe(200);
    expect(cityLinks(none.text)).toEqual([]);
    for (const q of ['/?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E', "/?name='%20or%201%3D1--", '/?prefecture=%00', '/?page=999', '/?page=-1', `/?name=${'x'.repeat(500)}`]) {
      const r = await get(q);
      expect(r.status, q).toBeLessThan(500);
      expect(r.text).not.toContain('<script>alert(1)');
    }
  });

  it('the compare picker offers the chosen cities, a prefecture’s or those a name finds, never 200 arbitrary ones (issue 11.1)', async () => {
    const boxes = (html: string) => [...html.matchAll(/name="cities" value="([^"]+)"/g)].map((m) => m[1]!);
    // No prefecture, no name: nothing but the form and what to do (ja, en).
    const bare = await get('/compare');
    expect(bare.status).toBe(200);
    expect(boxes(bare.text)).toEqual([]);
    expect(bare.text).toContain('都道府県を選ぶか自治体名を入れて');
    expect((await get('/compare?lang=en')).text).toContain('choose a prefecture or type a name');
    // Chosen cities stay offered (checked), in the order chosen.
    const chosen = await get('/compare?cities=gen-000&cities=ichinoseki');
    expect(boxes(chosen.text)).toEqual(['gen-000', 'ichinoseki']);
    expect(chosen.bytes).toBeLessThan(30_000);
    // A prefecture: the chosen city, then that prefecture's cities.
    const iwate = await get(`/compare?cities=gen-000&prefecture=${encodeURIComponent('岩手県')}`);
    const inIwate = Array.from({ length: COUNT }, (_, i) => cityOf(i)).filter((c) => c.pref.ja === '岩手県').map((c) => c.id);
    expect(boxes(iwate.text)[0]).toBe('gen-000');
    expect(boxes(iwate.text).slice(1).sort()).toEqual([...inIwate, 'ichinoseki'].sort());
    // A name: the cities it finds (第12市 and 第120–129市).
    const byName = await get(`/compare?name=${encodeURIComponent('第12')}`);
    expect(boxes(byName.text).sort()).toEqual(Array.from({ length: COUNT }, (_, i) => cityOf(i)).filter((c) => c.name.includes('第12')).map((c) => c.id).sort());
    expect(byName.text).toContain(`value="第12"`);
  });
});
