import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { deliverOutbox, MAX_SEND_ATTEMPTS, queueReminders, toEntryRound } from '../../src/review/round.service.ts';
import { insertRound, listOutbox } from '../../src/review/round.repository.ts';
import { staffDb } from '../../src/storage/staff-database.ts';
import { startFakeSmtpServer, type FakeSmtpServer } from '../support/fake-smtp-server.ts';
import { makeUser } from './staff-helpers.ts';

/*
 * The outbox's SMTP delivery against a fake SMTP server on a loopback port: the data-entry
 * round's reminder (Japanese and English, UTF-8) arrives as queued and its row is marked sent;
 * a server that refuses the recipient leaves the row queued with the error recorded.
 */

const CITY = 'ichinoseki';
const FROM = 'michishirube@city.example.jp';
let ctx: AppContext;
let smtp: FakeSmtpServer | null = null;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await makeUser(ctx, 'mail-agri', CITY, 'department-editor', 'agriculture');
});
afterAll(() => ctx.close());
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

/** Opens a round for a year without actuals, due in three days, and queues its reminder now. */
async function queueReminderFor(year: number): Promise<number> {
  const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const round = await insertRound(ctx.db, { city_id: CITY, year, deadline, opened_by: 'test' });
  expect(await queueReminders(ctx.db, ctx.store, { reminderDays: [7, 1], round: toEntryRound(round), manual: true })).toBe(1);
  const row = (await listOutbox(ctx.db, CITY)).find((m) => m.round_id === round.id)!;
  expect(row.recipient).toBe('mail-agri@example.jp');
  expect(row.sent_at).toBeNull();
  return row.id;
}

const outboxRow = (id: number) => staffDb(ctx.db).selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('outbox delivery by SMTP', () => {
  it('delivers a queued reminder through the configured server and marks it sent', async () => {
    smtp = await startFakeSmtpServer();
    // Configured the way an operator does it: SMTP_URL and SMTP_FROM, read by config.ts.
    const config = loadConfig({ SMTP_URL: smtp.url, SMTP_FROM: FROM });
    expect(config.staff.smtp).toEqual({ url: smtp.url, from: FROM });
    const id = await queueReminderFor(2029);
    const queued = await outboxRow(id);

    expect(await deliverOutbox(ctx.db, config.staff.smtp!)).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe(FROM);
    expect(mail.to).toEqual(['mail-agri@example.jp']);
    expect(mail.headers.get('to')).toBe('mail-agri@example.jp');
    expect(mail.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    // Subject and body arrive exactly as queued, Japanese included, once decoded from UTF-8.
    expect(mail.subject).toBe(queued.subject);
    expect(mail.subject).toContain('一関市');
    expect(mail.text.replace(/\r\n/g, '\n')).toBe(queued.body);
    expect(mail.text).toContain('2029');
    expect(mail.text).toMatch(/[ぁ-んァ-ヶ一-龠]{4}/);
    // (QUIT may follow after sendMail resolves: nodemailer closes the connection in the background.)
    expect(smtp.commands.map((c) => c.split(/[ :]/)[0]!.toUpperCase()).slice(0, 4)).toEqual(['EHLO', 'MAIL', 'RCPT', 'DATA']);

    const sent = await outboxRow(id);
    expect(sent.sent_at).not.toBeNull();
    expect(sent.attempts).toBe(1);
    expect(sent.last_error).toBeNull();
    // Nothing is sent twice.
    expect(await deliverOutbox(ctx.db, config.staff.smtp!)).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('leaves the message queued with the error recorded when the server refuses it, and retries later', async () => {
    smtp = await startFakeSmtpServer({ rejectRecipients: '550 5.1.1 <mail-agri@example.jp>: Recipient address rejected' });
    const config = loadConfig({ SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_FROM: FROM });
    const id = await queueReminderFor(2030);

    expect(await deliverOutbox(ctx.db, config.staff.smtp!)).toBe(0);
    expect(smtp.received).toHaveLength(0);
    const failed = await outboxRow(id);
    expect(failed.sent_at).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/550|Recipient address rejected/);

    // A working server later delivers it; the error is cleared.
    await smtp.close();
    smtp = await startFakeSmtpServer();
    expect(await deliverOutbox(ctx.db, loadConfig({ SMTP_URL: smtp.url, SMTP_FROM: FROM }).staff.smtp!)).toBe(1);
    const sent = await outboxRow(id);
    expect([sent.sent_at !== null, sent.attempts, sent.last_error]).toEqual([true, 2, null]);
    expect(smtp.received.map((m) => m.subject)).toEqual([failed.subject]);
  });

  it('records a server that cannot be reached, and gives up after the maximum attempts', async () => {
    smtp = await startFakeSmtpServer();
    const url = smtp.url;
    await smtp.close();
    smtp = null;
    const config = loadConfig({ SMTP_URL: url, SMTP_FROM: FROM });
    const id = await queueReminderFor(2031);
    for (let i = 0; i < MAX_SEND_ATTEMPTS + 1; i++) await deliverOutbox(ctx.db, config.staff.smtp!);
    const row = await outboxRow(id);
    expect(row.sent_at).toBeNull();
    expect(row.attempts).toBe(MAX_SEND_ATTEMPTS);
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
  });
});
