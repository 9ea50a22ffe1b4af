import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { LRUCache } from 'lru-cache';

/*
 * Prepared statements on PostgreSQL for the few hot statements whose planning costs more than
 * their execution (issue 11.5: the KPI page's one statement of some twenty nested queries took
 * about 5 ms of the server's CPU to plan and 1 ms to run). A repository names such a statement
 * by its SQL text ({@link usePreparedStatement}); the pool of `openDatabase` then sends that text
 * as a named statement, which each connection parses once and PostgreSQL plans once it has seen
 * it a few times (`plan_cache_mode = auto`). Any other text is sent as before. PGlite runs in
 * process and keeps no such statements: nothing changes there.
 */

/** Names by SQL text (a counter, never reused, so a connection never meets a name with another text). Bounded in bytes. */
const names = new LRUCache<string, string>({ maxSize: 1024 * 1024, sizeCalculation: (_name, text) => text.length * 2 + 32 });
let next = 0;

/**
 * Asks that this SQL text (a statement compiled once and run many times with other
 * parameters) be sent as a prepared statement on PostgreSQL. Idempotent; texts beyond the
 * registry's bound (1 MB of SQL) are forgotten and sent plain again.
 */
export function usePreparedStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `michishirube_${++next}`);
}

/** A pg pool whose clients send registered statements by name (see the module comment). */
export function withPreparedStatements(pool: PostgresPool): PostgresPool {
  return {
    connect: async () => preparing(await pool.connect()),
    end: () => pool.end(),
  };
}

function preparing(client: PostgresPoolClient): PostgresPoolClient {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
      return (...args: unknown[]) => {
        const [text, values] = args;
        const name = typeof text === 'string' && args.length === 2 ? names.get(text) : undefined;
        return name ? query({ name, text, values }) : query(...args);
      };
    },
  });
}
