import type { Kysely } from 'kysely';

/** A database handle that counts the statements run through it, for tests asserting how many a page costs. */
export interface CountingDatabase<DB> {
  /** The handle to give the code under test (the same database). */
  readonly db: Kysely<DB>;
  /** Statements run through {@link db} since the last {@link reset}. */
  count(): number;
  reset(): void;
}

/** Counts each statement run through the returned handle (one per result, as Kysely's plugins see them). */
export function countingStatements<DB>(db: Kysely<DB>): CountingDatabase<DB> {
  let statements = 0;
  const counted = db.withPlugin({
    transformQuery: (args) => args.node,
    transformResult: (args) => {
      statements++;
      return Promise.resolve(args.result);
    },
  });
  return {
    db: counted,
    count: () => statements,
    reset: () => {
      statements = 0;
    },
  };
}
