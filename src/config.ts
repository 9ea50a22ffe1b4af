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
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly seed: boolean;
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
  return { port: e.PORT, host: e.HOST, dataDir: resolve(e.DATA_DIR), databaseUrl: e.DATABASE_URL, seed: e.SEED === 'true' };
}
