import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { systemClock } from '../../src/core/time/clock.ts';
import { NO_PERSONAL_DATA, PERSONAL_DATA, REDACTED } from '../../src/partners/personal-data.ts';
import { linkAccount, submissionsOf } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { addDays } from '../../src/partners/programme.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import type { Database } from '../../src/storage/database.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { insertUser } from '../../src/auth/user.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { application, applyThroughForm, Client, makeStaff, PASSWORD } from './partner-client.ts';

/*
 * Personal data after a withdrawal (APPI, issue 9 point 8), through HTTP and on both databases:
 * an individual partner signs up for a course, asks for a lecture, applies, is returned with a
 * reason that names them, corrects, is approved, writes and answers collaboration messages,
 * signs up for a meeting, enters an award, asks for a profile change, and withdraws. Then every
 * text column of every table (enumerated from information_schema, so a column added later is
 * searched too) is searched for every value of the person: none is left.
 */

/** Every text-like column of the schema, from the database itself. */
async function textColumns(db: Kysely<Database>): Promise<{ table: string; column: string }[]> {
  const r = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
    order by c.table_name, c.column_name`.execute(db);
  return r.rows.map((x) => ({ table: x.table_name, column: x.column_name }));
}

/** Where any of the values occurs (case-insensitively) in any text column: "table.column: value". */
async function occurrences(db: Kysely<Database>, values: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    for (const v of values) {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where strpos(lower(${sql.ref(column)}::text), lower(${v})) > 0`.execute(db);
      if (Number(r.rows[0]!.n) > 0) found.push(`${table}.${column}: ${v}`);
    }
  }
  return found;
}

const today = systemClock.todayInTokyo();

/** The person who withdraws, and everything they typed. */
const person = {
  name: '撤回 個人花子',
  kana: 'テッカイ コジンハナコ',
  email: 'Hanako.Withdraw@Example.com',
  phone: '029-555-0101',
  mobile: '090-1111-2222',
  website: 'https://hanako-withdraw.example.jp',
  declaration: 'ハナコ宣言：自宅の庭で堆肥づくり教室',
  offer: 'ハナコ提供：家庭菜園の指導',
  seek: 'ハナコ募集：空き地の貸し手',
  changed: 'ハナコ変更宣言：近所の10世帯と生ごみゼロ',
  message: 'ハナコからの連絡：撤回 個人花子 090-1111-2222 までお電話ください',
  reply: 'ハナコさんへ：コンポスト講座を一緒にやりましょう',
  awardTitle: 'ハナコの堆肥プロジェクト',
  awardSummary: 'ハナコ要約：近所の10世帯と生ごみを堆肥にしました',
};

/** The values the search looks for: each as typed, the name also without its space, the address lower-cased. */
const searched = [...Object.values(person), '撤回個人花子', 'テッカイコジンハナコ', person.email.toLowerCase()];

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`withdrawal leaves no personal data (${database.name})`, () => {
    let server: PostgresServer | null = null;
    let ctx: AppContext;
    let app: ReturnType<typeof createApp>;
    let partnerId = 0;
    let loginId = '';

    beforeAll(async () => {
      if (database.name === 'postgres') server = await startPostgresServer();
      ctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null }, { announce: () => {} });
      app = createApp({ db: ctx.db, store: ctx.store });
      await makeStaff(ctx, 'tsu-sec', 'tsukuba', 'secretariat');
      // Another member with a log-in: つくばコンポストネット.
      const other = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', 'つくばコンポストネット（サンプル）').executeTakeFirstOrThrow();
      const user = await insertUser(ctx.db, { username: 'other-member', display_name: 'other', email: null, password_hash: await hashPassword(PASSWORD) });
      await linkAccount(ctx.db, user.id, other.id);
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
      await server?.stop();
    });

    const secretariat = async () => {
      const sec = new Client(app);
      await sec.login('tsu-sec');
      return sec;
    };
    const pending = async () => (await submissionsOf(ctx.db, partnerId)).find((s) => s.status === 'pending')!;

    it('the person’s values are nowhere before they take part (the search is sound)', async () => {
      expect(await occurrences(ctx.db, searched)).toEqual([]);
    });

    it('an individual takes part in everything the platform offers', async () => {
      const sec = await secretariat();
      // A public course sign-up and a lecture request before registering, with the same address.
      const course = await partnerDb(ctx.db).selectFrom('partner_events').select('id').where('title', '=', 'つくばSDGsパートナー講座：防災と気候変動（サンプル）').executeTakeFirstOrThrow();
      const visitor = new Client(app);
      await visitor.get(`/cities/tsukuba/partners/events/${course.id}`);
      expect((await visitor.post(`/cities/tsukuba/partners/events/${course.id}/register`, { name: person.name, email: person.email })).status).toBe(200);
      await visitor.get('/cities/tsukuba/partners/dispatch');
      const dispatch = { requesterName: person.name, requesterType: 'individual', contactName: person.name, contactEmail: person.email, topic: '家庭でできる分別', preferredOn: addDays(today, 30), audienceSize: '12' };
      expect((await visitor.post('/cities/tsukuba/partners/dispatch', dispatch)).status).toBe(200);

      // The application, returned with a reason naming the person, corrected and approved.
      const form = { memberType: 'individual', name: person.name, nameKana: person.kana, representative: person.name, email: person.email, phone: person.phone, area: '桜地区', website: person.website, goals: ['11'], declaration_11: person.declaration, offer_skills: person.offer, seek_venues: person.seek };
      ({ partnerId, loginId } = await applyThroughForm(app, 'tsukuba', application(form)));
      const reason = `${person.name} 様、電話番号 ${person.phone} がつながりません。ご確認ください。`;
      expect((await sec.post(`/staff/partners/tsukuba/submissions/${(await pending()).id}`, { decision: 'return', reason })).status).toBe(303);
      const me = new Client(app);
      await me.login(loginId);
      const { password: _p, passwordConfirm: _c, consentTerms: _t, ...corrected } = application(form);
      expect((await me.post('/staff/partner/profile', corrected)).status).toBe(303);
      expect((await sec.post(`/staff/partners/tsukuba/submissions/${(await pending()).id}`, { decision: 'approve', reason: '' })).status).toBe(303);

      // Collaboration: a message from the person, and one to them that they accept (contacts are then shared by mail).
      const other = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', 'つくばコンポストネット（サンプル）').executeTakeFirstOrThrow();
      expect((await me.post('/staff/partner/collaborations', { to: String(other.id), message: person.message })).status).toBe(303);
      const otherMember = new Client(app);
      await otherMember.login('other-member');
      expect((await otherMember.post('/staff/partner/collaborations', { to: String(partnerId), message: person.reply })).status).toBe(303);
      await me.get('/staff/partner');
      const accept = /action="(\/staff\/partner\/collaborations\/\d+\/accept)"/.exec((await me.get('/staff/partner')).text)!;
      expect((await me.post(accept[1]!, {})).status).toBe(303);
      const otherPage = await otherMember.get('/staff/partner');
      expect(otherPage.text).toContain(person.message);
      expect(otherPage.text).toContain(person.phone);

      // A meeting sign-up, an award entry, a pending profile change.
      expect((await sec.post('/staff/partners/tsukuba/events', { kind: 'meeting', title: '会員交流会（退会テスト）', description: '会員どうしの交流', startsAt: `${addDays(today, 14)}T18:00`, place: 'つくば市役所', capacity: '', goals: '11' })).status).toBe(303);
      const meeting = await partnerDb(ctx.db).selectFrom('partner_events').select('id').where('title', '=', '会員交流会（退会テスト）').executeTakeFirstOrThrow();
      expect((await me.post(`/staff/partner/events/${meeting.id}`, {})).location).toContain('notice=partners.event.registeredDone');
      expect((await sec.post('/staff/partners/tsukuba/awards', { title: 'つくばSDGsアワード（退会テスト）', description: '取組を表彰します。', year: today.slice(0, 4), closesOn: addDays(today, 10) })).status).toBe(303);
      const award = await partnerDb(ctx.db).selectFrom('partner_awards').select('id').where('title', '=', 'つくばSDGsアワード（退会テスト）').executeTakeFirstOrThrow();
      expect((await me.post(`/staff/partner/awards/${award.id}`, { title: person.awardTitle, summary: person.awardSummary })).location).toContain('notice=partners.award.entered');
      const entry = await partnerDb(ctx.db).selectFrom('partner_award_entries').select('id').where('partner_id', '=', partnerId).executeTakeFirstOrThrow();
      expect((await sec.post(`/staff/partners/tsukuba/awards/${award.id}/entries/${entry.id}/score`, { score: '4' })).status).toBe(303);
      const { password: _p2, passwordConfirm: _c2, consentTerms: _t2, ...change } = application({ ...form, declaration_11: person.changed });
      expect((await me.post('/staff/partner/profile', change)).location).toContain('notice=partners.me.changeRequested');

      // The person's data is now in many tables: the search finds it (it is not vacuous).
      const before = await occurrences(ctx.db, searched);
      const tables = new Set(before.map((f) => f.split('.')[0]));
      for (const t of ['partners', 'partner_contacts', 'partner_goals', 'partner_resources', 'partner_submissions', 'partner_search', 'partner_collaborations', 'partner_award_entries', 'partner_event_registrations', 'partner_dispatches', 'outbox', 'users']) expect(tables).toContain(t);
      // The secretariat reads the person's name in the outbox.
      expect((await sec.get('/staff/partners/tsukuba')).text).toContain(person.name);
    });

    it('withdraws, and then no text column of any table holds any of the person’s values', async () => {
      const me = new Client(app);
      await me.login(loginId);
      const r = await me.post('/staff/partner/withdraw', { confirm: 'on' });
      expect(r.status).toBe(200);
      expect(r.text).toContain('退会しました。個人情報は消去されました。');
      expect(await occurrences(ctx.db, searched)).toEqual([]);
    });

    it('what others see: the other member’s page, the secretariat’s outbox and partner page, the public pages', async () => {
      const otherMember = new Client(app);
      await otherMember.login('other-member');
      const page = (await otherMember.get('/staff/partner')).text;
      expect(page).toContain('（相手の退会により、メッセージは消去されました）');
      // The person's open request can no longer be accepted (nobody is there to share a contact with).
      expect(page).not.toMatch(/collaborations\/\d+\/accept/);
      const sec = await secretariat();
      const pages = [page, (await sec.get('/staff/partners/tsukuba')).text, (await sec.get(`/staff/partners/tsukuba/${partnerId}`)).text, await (await app.request('/cities/tsukuba/partners/awards')).text()];
      for (const text of pages) for (const v of searched) expect(text).not.toContain(v);
      // Mail to the other member that named the person is kept, with the name redacted.
      const mail = await partnerDb(ctx.db).selectFrom('outbox').select('body').where('dedupe_key', 'like', 'partners:p%:collaboration-%').where('body', 'like', `%${REDACTED}%`).execute();
      expect(mail.length).toBeGreaterThan(0);
      // What stays for the counts: the withdrawal, its date, the goals, the award entry and the attendance (without text).
      const row = await partnerDb(ctx.db).selectFrom('partners').select(['status', 'withdrawn_on', 'name']).where('id', '=', partnerId).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'withdrawn', withdrawn_on: today, name: '—' });
      expect(await partnerDb(ctx.db).selectFrom('partner_goals').select(['goal', 'declaration']).where('partner_id', '=', partnerId).execute()).toEqual([{ goal: 11, declaration: '' }]);
      expect(await partnerDb(ctx.db).selectFrom('partner_award_entries').select(['title', 'summary', 'submitted_on']).where('partner_id', '=', partnerId).execute()).toEqual([{ title: '—', summary: '', submitted_on: today }]);
    });

    it('the data map classifies every text column of the schema, names only existing ones, and the docs list each personal one', async () => {
      const columns = (await textColumns(ctx.db)).map((c) => `${c.table}.${c.column}`);
      const personal = PERSONAL_DATA.map((c) => `${c.table}.${c.column}`);
      const none = Object.entries(NO_PERSONAL_DATA).flatMap(([t, cs]) => cs.map((c) => `${t}.${c}`));
      const unclassified = columns.filter((c) => !personal.includes(c) && !none.includes(c));
      // A new column must be placed in src/partners/personal-data.ts (and docs/PERSONAL-DATA.md).
      expect(unclassified, unclassified.join(', ')).toEqual([]);
      expect([...personal, ...none].filter((c) => !columns.includes(c))).toEqual([]);
      expect(personal.filter((c) => none.includes(c))).toEqual([]);
      const doc = readFileSync(new URL('../../docs/PERSONAL-DATA.md', import.meta.url), 'utf8');
      expect(personal.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
    });
  });
}
