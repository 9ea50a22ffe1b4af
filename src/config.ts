import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads the environment. Every variable is documented here and in the
 * README; a bad value stops the app at start with a message naming it.
 */
const envSchema = z.object({
  /** Port the web app listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind; 127.0.0.1 by default, 0.0.0.0 to serve a network. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Folder of the embedded PGlite database (created on first start). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** A PostgreSQL URL (postgres://user:pass@host:5432/db); when set, used instead of PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** Set to "false" to start without loading the seed cities on an empty database. */
  SEED: z.enum(['true', 'false']).default('true'),
  /** Staff sessions end after this many minutes without a request. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Staff sessions end this many hours after log-in, however active. */
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  /**
   * Behind reverse proxies: how many of them add to X-Forwarded-For ("true" = 1; "false" = none,
   * the socket's address is the client). The client IP (log-in throttling, rate limits, logs) is
   * the entry that many places from the right: the left part is whatever the client sent.
   */
  TRUST_PROXY: z.union([z.enum(['true', 'false']), z.coerce.number().int().min(1).max(10)]).default('false'),
  /**
   * Strict-Transport-Security max-age in seconds, sent on every answer when the app is served over
   * TLS (directly or behind a TLS-terminating proxy); 0 (the default) sends no HSTS header, so a
   * plain-http install is never locked out. 31536000 (a year) once https works.
   */
  HSTS_MAX_AGE: z.coerce.number().int().min(0).max(2 * 365 * 24 * 3600).default(0),
  /**
   * The site's public address as visitors reach it ("https://sdgs.city.example.jp"): an http(s)
   * origin, no path, query, fragment or credentials (the app serves from the root path). Used
   * where a page must print an absolute URL another site will use, the KPI chart's iframe code
   * (issue 15.4). Unset, that code carries the path and says to put the address before it.
   */
  PUBLIC_URL: z
    .string()
    .url()
    .transform((s) => new URL(s))
    .refine((u) => u.protocol === 'https:' || u.protocol === 'http:', 'must start with https:// (or http://)')
    .refine((u) => u.username === '' && u.password === '', 'must not hold a user name or password')
    .refine((u) => u.pathname === '/' && u.search === '' && u.hash === '', 'must be the site\'s address only (scheme://host[:port]), without a path, query or fragment: the app serves from the root path')
    .transform((u) => u.origin)
    .optional(),
  /** "true" creates demo staff users for every seed city (never in production). */
  DEMO: z.enum(['true', 'false']).default('false'),
  /** The demo users' password (at least 12 characters); when unset a random one is printed at start. */
  DEMO_PASSWORD: z.string().min(12).optional(),
  /** SMTP server as a URL (smtp://user:pass@host:587, smtps://…); or the SMTP_HOST… variables. */
  SMTP_URL: z.string().url().optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  /** Sender address of reminder mail ("道しるべ <noreply@city.example.jp>"). */
  SMTP_FROM: z.string().min(3).optional(),
  /** Days before a data-entry round's deadline on which reminders are queued, comma-separated. */
  REMINDER_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, 'a comma-separated list of day counts, e.g. "7,1"')
    .default('7,1'),
});

/** How outgoing mail is delivered: an SMTP URL, or host/port/user/pass; absent = mail waits in the outbox. */
export type SmtpConfig = { readonly url: string; readonly from: string } | { readonly host: string; readonly port: number; readonly user?: string; readonly pass?: string; readonly from: string };

/** Settings of the staff area. */
export interface StaffConfig {
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  /** The reverse proxies in front that each add an X-Forwarded-For entry (0: none, the socket's address is the client). */
  readonly trustProxy: number;
  /** Set when DEMO=true: create demo users with this password (random when DEMO_PASSWORD is unset). */
  readonly demo: { readonly password: string | undefined } | undefined;
  readonly smtp: SmtpConfig | undefined;
  readonly reminderDays: readonly number[];
}

/** Settings of the HTTP answers of every page. */
export interface WebConfig {
  /** Strict-Transport-Security max-age (s); 0 = no HSTS header. */
  readonly hstsMaxAgeSeconds: number;
  /**
   * The site's origin as visitors reach it (PUBLIC_URL, e.g. "https://sdgs.city.example.jp", no
   * trailing slash), for absolute URLs other sites use (the embed code); undefined when unset.
   * Never derived from a request's Host header: public pages are cached by path for every
   * visitor, so one request with a forged Host would plant that host in the code all others copy.
   */
  readonly publicUrl: string | undefined;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly seed: boolean;
  readonly staff: StaffConfig;
  readonly web: WebConfig;
}

export class ConfigError extends Error {}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`configuration: ${issue.path.join('.')} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.SMTP_URL === undefined && e.SMTP_HOST === undefined && (e.SMTP_PORT ?? e.SMTP_USER ?? e.SMTP_PASS) !== undefined) {
    throw new ConfigError('configuration: SMTP_PORT, SMTP_USER and SMTP_PASS need SMTP_HOST (or use SMTP_URL)');
  }
  if ((e.SMTP_URL ?? e.SMTP_HOST) !== undefined && e.SMTP_FROM === undefined) {
    throw new ConfigError('configuration: SMTP_FROM is required when SMTP_URL or SMTP_HOST is set (the sender address of reminders)');
  }
  const smtp: SmtpConfig | undefined = e.SMTP_URL
    ? { url: e.SMTP_URL, from: e.SMTP_FROM! }
    : e.SMTP_HOST
      ? { host: e.SMTP_HOST, port: e.SMTP_PORT ?? 587, ...(e.SMTP_USER && { user: e.SMTP_USER }), ...(e.SMTP_PASS && { pass: e.SMTP_PASS }), from: e.SMTP_FROM! }
      : undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    seed: e.SEED === 'true',
    staff: {
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
      trustProxy: e.TRUST_PROXY === 'true' ? 1 : e.TRUST_PROXY === 'false' ? 0 : e.TRUST_PROXY,
      demo: e.DEMO === 'true' ? { password: e.DEMO_PASSWORD } : undefined,
      smtp,
      reminderDays: [...new Set(e.REMINDER_DAYS.split(',').map(Number))].sort((a, b) => b - a),
    },
    web: { hstsMaxAgeSeconds: e.HSTS_MAX_AGE, publicUrl: e.PUBLIC_URL },
  };
}

/** The web settings when nothing is configured (tests): no HSTS, no public address. */
export const DEFAULT_WEB_CONFIG: WebConfig = loadConfig({}).web;

/** The staff settings when nothing is configured (tests, CLI commands that do not serve). */
export const DEFAULT_STAFF_CONFIG: StaffConfig = loadConfig({}).staff;
