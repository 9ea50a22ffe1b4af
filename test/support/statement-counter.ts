import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/database.ts';

/** A database handle that counts the statements run through it (tests of how many a page or read sends). */
export interface CountedDatabase {
  /** `db` with a plugin counting each statement's result (every statement that ran, raw `sql` ones included). */
  readonly db: Kysely<Database>;
  /** Statements run since the last {@link reset} (or since the handle was made). */
  count(): number;
  reset(): void;
}

/** Wraps `db` so the statements run through it are counted ({@link CountedDatabase}); `db` itself is unchanged. */
export function countingStatements(db: Kysely<Database>): CountedDatabase {
  let n = 0;
  const counted = db.withPlugin({
    transformQuery: (args) => args.node,
    transformResult: (args) => {
      n++;
      return Promise.resolve(args.result);
    },
  });
  return { db: counted, count: () => n, reset: () => void (n = 0) };
}
