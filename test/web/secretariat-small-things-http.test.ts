import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { application, applyThroughForm, Client, makeStaff } from '../partners/partner-client.ts';

/*
 * Small things a secretariat hits at once (issue 10 point 10), through HTTP: the partner review
 * queue is linked from the staff home and the staff city page; a second public sign-up with the
 * same e-mail (any case, full-width) is refused with a clear message; the target-revision date
 * reads 和暦 like every other date field; Japanese pages show no technical labels (method ids)
 * and no English notes.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  await makeStaff(ctx, 'small-sec', 'ichinoseki', 'secretariat');
  await makeStaff(ctx, 'small-viewer', 'ichinoseki', 'viewer');
});
afterAll(() => ctx.close());

const login = async (username: string) => {
  const c = new Client(app);
  await c.login(username);
  return c;
};

describe('the partner review queue is one click from the staff home and the city page', () => {
  it('shows the waiting count with a link to the queue, and counts a new application at once', async () => {
    const sec = await login('small-sec');
    const count = (text: string) => Number(/審査待ち (\d+)件/.exec(text)?.[1] ?? NaN);
    const home = await sec.get('/staff');
    expect(home.text).toContain('href="/staff/partners/ichinoseki#queue"');
    const before = count(home.text);
    expect(before).toBeGreaterThanOrEqual(0);
    await applyThroughForm(app, 'ichinoseki', application({ email: 'queue-link@example.com', name: 'キュー確認工房', nameKana: 'キューカクニンコウボウ' }));
    expect(count((await sec.get('/staff')).text)).toBe(before + 1);
    const city = await sec.get('/staff/cities/ichinoseki');
    expect(city.text).toContain('href="/staff/partners/ichinoseki#queue"');
    expect(count(city.text)).toBe(before + 1);
    const queue = await sec.get('/staff/partners/ichinoseki');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('id="queue"');
    expect(queue.text).toContain('キュー確認工房');
  });

  it('is not shown to those who do not review (a viewer)', async () => {
    const viewer = await login('small-viewer');
    expect((await viewer.get('/staff')).text).not.toContain('/staff/partners/ichinoseki');
    expect((await viewer.get('/staff/cities/ichinoseki')).text).not.toContain('/staff/partners/ichinoseki');
  });
});

describe('a duplicate public sign-up for an event is refused', () => {
  it('refuses the same e-mail in another case or full-width, with a message at the field, writing nothing', async () => {
    const course = await partnerDb(ctx.db).selectFrom('partner_events').select('id').where('title', '=', 'つくばSDGsパートナー講座：防災と気候変動（サンプル）').executeTakeFirstOrThrow();
    const path = `/cities/tsukuba/partners/events/${course.id}`;
    const signUp = async (name: string, email: string) => {
      const visitor = new Client(app);
      await visitor.get(path);
      return visitor.post(`${path}/register`, { name, email });
    };
    const rows = () => partnerDb(ctx.db).selectFrom('partner_event_registrations').select(['name', 'email']).where('event_id', '=', course.id).where('partner_id', 'is', null).execute();
    const mails = async () => (await partnerDb(ctx.db).selectFrom('outbox').select('id').where('dedupe_key', 'like', 'partners:x:event-registered:%').execute()).length;
    const first = await signUp('重複 太郎', 'Dup.Person@Example.com');
    expect(first.status).toBe(200);
    expect(first.text).toContain('申込みを受け付けました。');
    const [regs, sent] = [await rows(), await mails()];
    expect(regs).toContainEqual({ name: '重複 太郎', email: 'dup.person@example.com' });
    for (const again of ['dup.person@example.com', ' DUP.PERSON@EXAMPLE.COM ', 'ｄｕｐ．ｐｅｒｓｏｎ＠ｅｘａｍｐｌｅ．ｃｏｍ']) {
      const r = await signUp('重複 太郎', again);
      expect(r.status).toBe(409);
      expect(r.text).toContain('このメールアドレスでは、この講座にすでに申し込まれています');
      expect(r.text).toContain('id="form-errors"');
    }
    expect(await rows()).toEqual(regs);
    expect(await mails()).toBe(sent);
    // Another address is another person.
    expect((await signUp('別人 花子', 'other.person@example.com')).status).toBe(200);
    // English page: the message in English.
    const visitor = new Client(app);
    await visitor.get(`${path}?lang=en`);
    const en = await visitor.post(`${path}/register?lang=en`, { name: 'Dup', email: 'DUP.person@example.com' });
    expect(en.status).toBe(409);
    expect(en.text).toContain('This e-mail address is already signed up for this event');
  });
});

describe('the target-revision date reads 和暦 like every other date field', () => {
  const revise = async (revisedOn: string) => {
    const sec = await login('small-sec');
    const form = await sec.get('/staff/cities/ichinoseki/kpis/fuel-wood-production/target');
    // The form carries the versions it was opened on (no lost updates).
    const versions = /name="versions" value="([^"]*)"/.exec(form.text)?.[1]?.replace(/&quot;/g, '"').replace(/&amp;/g, '&') ?? '';
    return sec.post('/staff/cities/ichinoseki/kpis/fuel-wood-production/target', { target: await targetId(), newValue: '100', revisedOn, reason: '和暦の決定日', versions });
  };
  const targetId = async () => (await ctx.store.get('ichinoseki'))!.kpis.find((k) => k.id === 'fuel-wood-production')!.targets[0]!.id;
  const latestRevisedOn = async () => {
    const kpi = (await ctx.store.get('ichinoseki'))!.kpis.find((k) => k.id === 'fuel-wood-production')!;
    return kpi.targets[0]!.revisions.at(-1)?.revisedOn;
  };

  it.each([
    ['令和6年3月31日', '2024-03-31'],
    ['令和６年４月１日', '2024-04-01'],
    ['R6.4.2', '2024-04-02'],
    ['平成31年4月30日', '2019-04-30'],
    ['2025/4/1', '2025-04-01'],
    ['2025-04-03', '2025-04-03'],
  ])('%s is stored as %s', async (input, iso) => {
    const r = await revise(input);
    expect(r.status).toBe(303);
    expect(await latestRevisedOn()).toBe(iso);
  });

  it.each([
    ['令和6年4月', '年月日まで入力してください。'],
    ['令和6年2月30日', '30'],
    ['きのう', 'きのう'],
  ])('%s is refused with a message at the field, writing nothing', async (input, message) => {
    const before = await latestRevisedOn();
    const r = await revise(input);
    expect(r.status).toBe(422);
    expect(r.text).toContain('id="f-revisedOn-error"');
    expect(r.text).toContain(message);
    expect(await latestRevisedOn()).toBe(before);
  });
});

describe('Japanese pages show no technical labels and no English notes', () => {
  /** The visible text of a page without what is marked English on purpose (lang="en": the English name, the language switch). */
  const visibleJapanese = (html: string) =>
    html
      .replace(/<(script|style|svg)[\s\S]*?<\/\1>/g, '')
      .replace(/<(p|a|span)\b[^>]*\blang="en"[^>]*>[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]+>/g, '\n')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  const METHOD_IDS = /\b(status|final-actual|linear-trend|un-progress-chart(-cagr|-linear)?|open-sdg-progress(-cagr|-linear)?|progress-from-baseline|weighted-mean-capped)\b/;
  const ENGLISH_SENTENCE = /[A-Za-z]{2,}(?:[ ,][A-Za-z]{2,}){3,}/;

  it('on every public page of the seed cities (city, plans, KPIs, partner pages)', async () => {
    const offending: string[] = [];
    for (const cityId of ['ichinoseki', 'tsukuba', 'kanazawa']) {
      const data = (await ctx.store.get(cityId))!;
      const paths = [`/cities/${cityId}`, ...data.plans.map((p) => `/cities/${cityId}/plans/${p.id}`), ...data.kpis.map((k) => `/cities/${cityId}/kpis/${k.id}`), `/cities/${cityId}/partners`, `/cities/${cityId}/partners/events`, `/cities/${cityId}/partners/awards`];
      for (const path of paths) {
        for (const line of visibleJapanese(await (await app.request(path)).text())) {
          if (METHOD_IDS.test(line) || ENGLISH_SENTENCE.test(line.replace(/JSON API \(OpenAPI\)/, ''))) offending.push(`${path}: ${line.slice(0, 120)}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('names the calculation method in Japanese (and in English on the English page)', async () => {
    const ja = visibleJapanese(await (await app.request('/cities/ichinoseki/kpis/new-farmers')).text()).join('\n');
    expect(ja).toContain('計算の詳細（方法：当初値から目標までの直線（期待値）との比較）');
    expect(ja).toContain('実績の直線トレンドによる見通し');
    const en = await (await app.request('/cities/ichinoseki/kpis/new-farmers?lang=en')).text();
    expect(en).toContain('linear trend of the actuals');
    expect(en).not.toMatch(/<code>linear-trend<\/code>/);
  });
});

/** Concurrent sign-ups with one address, on both databases: one gets through, the others are refused (the event row is locked). */
for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`duplicate sign-ups at once (${database.name})`, () => {
    let server: PostgresServer | null = null;
    let pctx: AppContext;
    let papp: ReturnType<typeof createApp>;
    beforeAll(async () => {
      if (database.name === 'postgres') server = await startPostgresServer();
      pctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null }, { announce: () => {} });
      papp = createApp({ db: pctx.db, store: pctx.store });
    }, 120_000);
    afterAll(async () => {
      await pctx?.close();
      await server?.stop();
    });

    it('six sign-ups with the same address sent together: one registration, five refusals', async () => {
      const course = await partnerDb(pctx.db).selectFrom('partner_events').select('id').where('title', '=', 'つくばSDGsパートナー講座：防災と気候変動（サンプル）').executeTakeFirstOrThrow();
      const path = `/cities/tsukuba/partners/events/${course.id}`;
      const visitors = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const v = new Client(papp);
          await v.get(path);
          return v;
        }),
      );
      const answers = await Promise.all(visitors.map((v, i) => v.post(`${path}/register`, { name: '同時 申込', email: i % 2 === 0 ? 'same.time@example.com' : 'SAME.TIME@example.com' })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      const rows = await partnerDb(pctx.db).selectFrom('partner_event_registrations').select('id').where('event_id', '=', course.id).where('email', '=', 'same.time@example.com').execute();
      expect(rows).toHaveLength(1);
    });
  });
}
