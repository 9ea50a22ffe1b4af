import { daysBetween, systemClock, tokyoDateOf, type Clock } from '../core/time/clock.ts';
import { fillMessage as fill } from '../i18n/fill.ts';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import type { CityData } from '../core/city/city.ts';
import { reportingYear } from '../core/time/time-point.ts';
import { actorName, type StaffUser } from '../auth/user.ts';
import { t } from '../i18n/messages.ts';
import type { Executor } from '../storage/database.ts';
import { listCityRows } from '../cities/city.repository.ts';
import { closeRound, enqueueMail, findRound, insertRound, listDepartmentEditors, listOpenRounds, listOutbox, listRounds, listUnsent, markMail } from './round.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { appendYearPublication, listYearPublications } from '../staff/staff-record.repository.ts';
import type { EntryRoundRow, OutboxRow } from '../storage/tables/staff.table.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';
import { departmentsOf, type DepartmentWithKpis } from '../departments/department.service.ts';
import { isIsoDate, type FieldProblem, type FormResult } from '../staff/staff-entry.service.ts';
import { runPartnerHourly } from '../partners/partner-platform.ts';
import { purgeAuthRecords } from '../auth/auth.service.ts';
import { lastActualUpdates } from '../review/review.repository.ts';

/** A yearly data-entry round of a city (the view model of an `entry_rounds` row). */
export interface EntryRound {
  readonly id: number;
  readonly cityId: string;
  /** The reporting year (年度) whose actuals are entered. */
  readonly year: number;
  /** YYYY-MM-DD (JST), the last day of entry. */
  readonly deadline: string;
  readonly openedBy: string;
  readonly openedAt: Date;
  /** When the secretariat closed it; null while open. */
  readonly closedAt: Date | null;
}

/** The model of an `entry_rounds` row. */
export function toEntryRound(row: EntryRoundRow): EntryRound {
  return { id: row.id, cityId: row.city_id, year: row.year, deadline: row.deadline, openedBy: row.opened_by, openedAt: row.opened_at, closedAt: row.closed_at };
}

/** A city's rounds, latest year first (as the repository orders them). */
export async function roundsOfCity(db: Executor, cityId: string): Promise<EntryRound[]> {
  return (await listRounds(db, cityId)).map(toEntryRound);
}

/** The round of a city's year, if opened. */
export async function roundOfYear(db: Executor, cityId: string, year: number): Promise<EntryRound | undefined> {
  const row = await findRound(db, cityId, year);
  return row ? toEntryRound(row) : undefined;
}

/** A message of the outbox as the staff area lists it. */
export interface OutboxMail {
  readonly id: number;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
  readonly createdAt: Date;
  /** Null while not delivered. */
  readonly sentAt: Date | null;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** The latest messages queued for a city's staff (at most 200). */
export async function outboxOfCity(db: Executor, cityId: string): Promise<OutboxMail[]> {
  return (await listOutbox(db, cityId)).map((m: OutboxRow) => ({ id: m.id, recipient: m.recipient, subject: m.subject, body: m.body, createdAt: m.created_at, sentAt: m.sent_at, attempts: m.attempts, lastError: m.last_error }));
}

/** Completion of one department in a round: its KPIs, and those still without an actual of the year. */
export interface DepartmentProgress {
  readonly department: DepartmentWithKpis;
  readonly total: number;
  readonly missing: readonly { readonly id: string; readonly name: string }[];
}

/** Whether a KPI has an actual for a reporting year. */
export function hasActualFor(data: CityData, kpiId: string, year: number): boolean {
  return data.kpis.find((k) => k.id === kpiId)?.observations.some((o) => reportingYear(o.at) === year) ?? false;
}

/** Per department, which of its KPIs still miss an actual for the year (full staff data). */
export function roundProgress(data: CityData, departments: readonly DepartmentWithKpis[], year: number): DepartmentProgress[] {
  const names = new Map(data.kpis.map((k) => [k.id, k.name]));
  return departments.map((department) => {
    const live = department.kpiSlugs.filter((s) => names.has(s));
    return { department, total: live.length, missing: live.filter((s) => !hasActualFor(data, s, year)).map((id) => ({ id, name: names.get(id)! })) };
  });
}

/**
 * Opens the data-entry round of a year with a deadline, and holds the year: whatever data it
 * already has (documented, imported, system-computed) leaves the public pages until the
 * secretariat has reviewed it and publishes the year again (issue 10, point 1).
 */
export async function openRound(db: Executor, store: CityDataStore, user: StaffUser, cityId: string, form: Readonly<Record<string, string>>, today: Date = systemClock.now()): Promise<FormResult<EntryRound>> {
  const errors: Record<string, FieldProblem> = {};
  const yearText = (form['year'] ?? '').trim();
  const deadline = (form['deadline'] ?? '').trim();
  if (!/^\d{4}$/.test(yearText)) errors['year'] = { kind: yearText === '' ? 'required' : 'invalid' };
  if (!isIsoDate(deadline) || deadline < tokyoDateOf(today)) errors['deadline'] = { kind: deadline === '' ? 'required' : 'not-a-date' };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const year = Number(yearText);
  if (await findRound(db, cityId, year)) return { ok: false, errors: { year: { kind: 'invalid' } } };
  const round = await inStaffTransaction(db, async (trx) => {
    const r = await insertRound(trx, { city_id: cityId, year, deadline, opened_by: actorName(user) });
    const decision = (await listYearPublications(trx, cityId)).find((p) => p.year === year);
    const wasPublished = decision?.published ?? false;
    if (decision === undefined || decision.published) {
      await appendYearPublication(trx, { city_id: cityId, year, published: false, actor: actorName(user), reason: 'data-entry round opened' });
    }
    await appendStaffChangeLog(trx, [{ actor: actorName(user), action: 'open', entity: 'entry_round', entityId: `${cityId}@${year}`, cityId, old: { published: wasPublished }, new: { year, deadline, published: false } }]);
    return r;
  });
  store.invalidate(cityId);
  return { ok: true, value: toEntryRound(round) };
}

/** Closes a round (entry stays possible; reminders stop). */
export async function closeEntryRound(db: Executor, user: StaffUser, round: EntryRound): Promise<void> {
  await inStaffTransaction(db, async (trx) => {
    await closeRound(trx, round.id, actorName(user));
    await appendStaffChangeLog(trx, [{ actor: actorName(user), action: 'close', entity: 'entry_round', entityId: `${round.cityId}@${round.year}`, cityId: round.cityId }]);
  });
}

/** Whole days from `today` (its Tokyo date) to a YYYY-MM-DD deadline (0 on the day itself, negative after). */
export function daysUntil(deadline: string, today: Date): number {
  const d = Date.parse(`${deadline}T00:00:00Z`);
  const t0 = Date.parse(`${tokyoDateOf(today)}T00:00:00Z`);
  return Math.round((d - t0) / 86_400_000);
}

/**
 * Queues reminders of the open rounds: for each reminder day (days before the deadline) that has
 * come, one message per department editor whose department still misses actuals. Each message
 * has a dedupe key, so running this hourly queues each reminder once. `manual` queues one now,
 * whatever the day (the secretariat's button). Returns how many were queued.
 */
export async function queueReminders(
  db: Executor,
  store: CityDataStore,
  options: { reminderDays: readonly number[]; today?: Date; round?: EntryRound; manual?: boolean },
): Promise<number> {
  const today = options.today ?? systemClock.now();
  const rounds = options.round ? [options.round] : (await listOpenRounds(db)).map(toEntryRound);
  const cityNames = new Map((await listCityRows(db)).map((c) => [c.id, c.name]));
  let queued = 0;
  for (const round of rounds) {
    if (round.closedAt !== null) continue;
    const left = daysUntil(round.deadline, today);
    const dueDays = options.manual ? [`manual-${tokyoDateOf(today)}`] : options.reminderDays.filter((d) => left >= 0 && left <= d).map((d) => `d${d}`);
    if (dueDays.length === 0) continue;
    // Only the most urgent reminder day that has come: no burst of 7- and 1-day reminders at once.
    const due = dueDays.at(-1)!;
    const staff = await store.getStaff(round.cityId);
    if (!staff) continue;
    const { departments } = await departmentsOf(db, round.cityId);
    const progress = roundProgress(staff.data, departments, round.year);
    const editors = await listDepartmentEditors(db, round.cityId);
    for (const p of progress) {
      if (p.missing.length === 0) continue;
      for (const editor of editors.filter((e) => e.department_id === p.department.id)) {
        const vars = { city: cityNames.get(round.cityId) ?? round.cityId, year: String(round.year), deadline: round.deadline, days: String(left), department: p.department.name, kpis: p.missing.map((k) => `・${k.name}`).join('\n') };
        const subject = `${fill(t('ja', 'staff.mail.subject'), vars)} / ${fill(t('en', 'staff.mail.subject'), vars)}`;
        const body = `${fill(t('ja', 'staff.mail.body'), vars)}\n\n----\n\n${fill(t('en', 'staff.mail.body'), vars)}\n`;
        const ok = await enqueueMail(db, {
          city_id: round.cityId,
          round_id: round.id,
          dedupe_key: `round:${round.id}:${due}:user:${editor.user_id}`,
          recipient_user_id: editor.user_id,
          recipient: editor.email,
          subject,
          body,
        });
        if (ok) queued++;
      }
    }
  }
  return queued;
}

/**
 * The departments of a round that still miss actuals but have nobody to remind (no enabled
 * department editor with an e-mail address): the secretariat is told instead of the reminder
 * silently going nowhere.
 */
export async function unremindableDepartments(db: Executor, store: CityDataStore, round: EntryRound): Promise<DepartmentWithKpis[]> {
  const staff = await store.getStaff(round.cityId);
  if (!staff) return [];
  const { departments } = await departmentsOf(db, round.cityId);
  const editors = new Set((await listDepartmentEditors(db, round.cityId)).map((e) => e.department_id));
  return roundProgress(staff.data, departments, round.year)
    .filter((p) => p.missing.length > 0 && !editors.has(p.department.id))
    .map((p) => p.department);
}

/** Days without an update after which an open round reminds a KPI's owners again, whatever the deadline. */
export const STALE_AFTER_DAYS = 30;

/**
 * Queues reminders by days since the last update: in every open round, a department editor
 * whose department's missing KPIs were last updated `staleAfterDays` or more days ago (or never)
 * gets one message per such period (dedupe key per round, period and user). Returns how many were queued.
 */
export async function queueStaleReminders(db: Executor, store: CityDataStore, options: { today?: Date; staleAfterDays?: number } = {}): Promise<number> {
  const now = options.today ?? systemClock.now();
  const after = options.staleAfterDays ?? STALE_AFTER_DAYS;
  const today = tokyoDateOf(now);
  let queued = 0;
  for (const round of await listOpenRounds(db)) {
    const staff = await store.getStaff(round.city_id);
    if (!staff) continue;
    const { departments } = await departmentsOf(db, round.city_id);
    const last = await lastActualUpdates(db, round.city_id);
    const editors = await listDepartmentEditors(db, round.city_id);
    const opened = tokyoDateOf(new Date(round.opened_at));
    for (const p of roundProgress(staff.data, departments, round.year)) {
      // Days since the department last touched a missing KPI (since the round opened when never).
      const stale = p.missing.flatMap((k) => {
        const at = last.get(k.id);
        const days = daysBetween(at ? tokyoDateOf(at) : opened, today);
        return days >= after ? [{ ...k, days }] : [];
      });
      if (stale.length === 0) continue;
      const days = Math.min(...stale.map((k) => k.days));
      const period = Math.floor(days / after);
      for (const editor of editors.filter((e) => e.department_id === p.department.id)) {
        const vars = { city: staff.data.city.name, department: p.department.name, days: String(days), kpis: stale.map((k) => `・${k.name}`).join('\n') };
        const ok = await enqueueMail(db, {
          city_id: round.city_id,
          round_id: round.id,
          dedupe_key: `round:${round.id}:stale${period}:user:${editor.user_id}`,
          recipient_user_id: editor.user_id,
          recipient: editor.email,
          subject: fill(t('ja', 'reminder.staleSubject'), vars),
          body: `${fill(t('ja', 'reminder.staleBody'), vars)}\n----\n\n${fill(t('en', 'reminder.staleBody'), vars)}`,
        });
        if (ok) queued++;
      }
    }
  }
  return queued;
}

/** Failed sends of one message before it is left for a person to look at. */
export const MAX_SEND_ATTEMPTS = 5;

/** Sends what waits in the outbox through SMTP; returns how many were sent. */
export async function deliverOutbox(db: Executor, smtp: SmtpConfig, transport = createTransport(smtp)): Promise<number> {
  let sent = 0;
  for (const mail of await listUnsent(db, MAX_SEND_ATTEMPTS)) {
    try {
      await transport.sendMail({ from: smtp.from, to: mail.recipient, subject: mail.subject, text: mail.body });
      await markMail(db, mail.id, { sent: true });
      sent++;
    } catch (e) {
      await markMail(db, mail.id, { sent: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return sent;
}

/** The mail transport SMTP settings describe. */
export function createTransport(smtp: SmtpConfig): Pick<Transporter, 'sendMail'> {
  if ('url' in smtp) return nodemailer.createTransport(smtp.url);
  return nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: smtp.port === 465, ...(smtp.user && { auth: { user: smtp.user, pass: smtp.pass ?? '' } }) });
}

/**
 * The background job of the staff area: every `intervalMs`, queues due reminders, purges ended
 * sessions, old log-in attempts and lapsed throttle counters (purgeAuthRecords) and, when SMTP
 * is configured, delivers the outbox. Returns a function that stops it and waits for a run in
 * flight, so the database is never closed under it.
 */
export function startReminderJob(db: Executor, store: CityDataStore, options: { reminderDays: readonly number[]; smtp: SmtpConfig | undefined; intervalMs?: number; log?: (line: string) => void; clock?: Clock }): () => Promise<void> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.error(line));
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    try {
      await purgeAuthRecords(db);
    } catch (e) {
      if (!stopped) log(`michishirube: purge of sessions and log-in attempts failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      await queueReminders(db, store, { reminderDays: options.reminderDays, today: clock.now() });
      await queueStaleReminders(db, store, { today: clock.now() });
      await runPartnerHourly(db, store, clock.todayInTokyo());
      if (options.smtp) await deliverOutbox(db, options.smtp);
    } catch (e) {
      if (!stopped) log(`michishirube: reminder job failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const tick = () => {
    if (stopped || inFlight) return;
    inFlight = run().finally(() => (inFlight = null));
  };
  const first = setTimeout(tick, 10_000);
  const timer = setInterval(tick, options.intervalMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await inFlight;
  };
}

