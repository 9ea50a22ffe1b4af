/**
 * Rows per multi-row INSERT: PostgreSQL allows 65,535 parameters per statement, and the widest
 * table has 16 columns, so 1,000 rows stay well below the limit while keeping round trips few.
 */
export const INSERT_BATCH_SIZE = 1000;

/** Splits `items` into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = INSERT_BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The distinct values of `items`, in first-seen order. */
export function distinct<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
