import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { openCityPages } from '../../src/cities/city-pages.service.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { makeUser, StaffClient } from './staff-helpers.ts';

/*
 * Issue 11, attacked: two app processes on one PostgreSQL. Once a staff write's response has
 * been returned by one process, the other process's pages of that city (read from the summaries
 * when they are fresh) never show the data from before the write, even while the writing
 * process is still busy rebuilding another city's summaries (its change signals run one at a
 * time, so a slow rebuild delays every later one).
 */
const postgres = testDatabases().find((d) => d.name === 'postgres');
describe.skipIf(!postgres || postgres.skipReason !== null)("a city's own pages in a second process, right after a write", () => {
  let server: PostgresServer;
  let a: AppContext;
  let b: AppContext;
  beforeAll(async () => {
    server = await startPostgresServer();
    const config = { dataDir: '', databaseUrl: server.url, seed: true };
    a = await openAppContext(config, { announce: () => {} });
    b = await openAppContext(config, { announce: () => {} });
    await makeUser(a, 'tp-sec', 'ichinoseki', 'secretariat');
    await a.store.settled();
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  it('show the write at once in the other process, though the writer is still rebuilding another city', async () => {
    // The writer's rebuild of another city is slow (held here until the test lets it go).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    a.store.addDeriver(async (d) => {
      if (d.city.id === 'tsukuba') await gate;
      return d;
    });
    a.store.invalidate('tsukuba');
    try {
      // The reader holds nothing of the city and its summaries are fresh: it would read them.
      expect(b.store.holds('ichinoseki')).toBe(false);
      expect((await openCityPages(b.db, b.store, 'ichinoseki'))!.from).toBe('summaries');
      const appB = createApp({ db: b.db, store: b.store, staff: b.staff, clock: b.clock });
      const staff = new StaffClient(createApp({ db: a.db, store: a.store, staff: a.staff, clock: a.clock }));
      expect((await staff.login('tp-sec')).status).toBe(303);
      const base = '/staff/cities/ichinoseki/kpis/women-on-councils';
      await staff.get(base);
      const justification = '別プロセスの書き込み直後の表示を確かめる理由。';
      const r = await staff.submit(base, `${base}/override`, { status: 'achieved', justification });
      expect(r.status, r.text.slice(0, 300)).toBe(303);
      // The response is back: the other process's pages show the write, on every page of the city.
      for (const path of ['/cities/ichinoseki', '/cities/ichinoseki/kpis?status=behind', '/cities/ichinoseki/kpis?format=csv', '/api/v1/cities/ichinoseki/kpis']) {
        expect((await (await appB.request(path)).text()).includes(justification), path).toBe(true);
      }
    } finally {
      release();
      await a.store.settled();
    }
    // Once rebuilt, the other process reads the summaries again, with the write.
    expect((await openCityPages(b.db, b.store, 'ichinoseki', 'summaries'))!.from).toBe('summaries');
    expect(await (await createApp({ db: b.db, store: b.store, cityPages: 'summaries' }).request('/cities/ichinoseki/kpis?status=behind')).text()).toContain('別プロセスの書き込み直後');
  }, 120_000);
});
