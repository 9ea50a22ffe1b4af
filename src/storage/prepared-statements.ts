import { CompiledQuery, type PostgresPool, type PostgresPoolClient } from 'kysely';
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

/**
 * A marker standing for a value in a statement compiled once ({@link StatementTemplates}): NUL
 * never occurs in a PostgreSQL text value, so no real value holds one. `name` is lower-case
 * letters and digits.
 */
export function templateMarker(name: string): string {
  return `\u0000${name}\u0000`;
}

/**
 * Statements compiled once per shape and database handle, with {@link templateMarker}s where each
 * run's values go: building and compiling a statement of many nested queries costs the app about
 * as much CPU as reading its answer (the KPI page's, the compare page's). Each shape's SQL is
 * registered as a prepared statement ({@link usePreparedStatement}). Bounded in bytes per handle.
 */
export class StatementTemplates<R> {
  private readonly byDb = new WeakMap<object, LRUCache<string, CompiledQuery<R>>>();

  /** `maxBytes`: the SQL kept per database handle (a shape is some kilobytes of text). */
  constructor(private readonly maxBytes: number) {}

  /**
   * The statement of `shape` (everything that changes its text) on `db` with `values` by marker
   * name: `build` compiles it with {@link templateMarker}s as values, once per shape. A parameter
   * that is a marker becomes its value (of any type); a text parameter holding markers gets each
   * replaced by its value's text (a key prefix made of a slug and '@').
   */
  get(db: object, shape: string, build: () => CompiledQuery<R>, values: Readonly<Record<string, unknown>>): CompiledQuery<R> {
    let shapes = this.byDb.get(db);
    if (!shapes) this.byDb.set(db, (shapes = new LRUCache({ maxSize: this.maxBytes, sizeCalculation: (q) => q.sql.length * 2 + 64 })));
    let template = shapes.get(shape);
    if (!template) {
      template = build();
      shapes.set(shape, template);
    }
    // Every run (a no-op once registered): the registry may have let the text go since.
    usePreparedStatement(template.sql);
    const parameters = template.parameters.map((p) => {
      if (typeof p !== 'string' || !p.includes('\u0000')) return p;
      const whole = /^\u0000([a-z0-9]+)\u0000$/.exec(p);
      if (whole) return valueOf(values, whole[1]!);
      return p.replace(/\u0000([a-z0-9]+)\u0000/g, (_, name: string) => String(valueOf(values, name)));
    });
    return CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>;
  }
}

function valueOf(values: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!Object.hasOwn(values, name)) throw new Error(`no value for the statement marker "${name}"`);
  return values[name];
}
