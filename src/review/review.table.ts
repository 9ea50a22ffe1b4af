import type { GeneratedAlways, Kysely, Selectable, Transaction } from 'kysely';
import type { CreatedAtColumn, JsonbColumn } from '../storage/columns.ts';
import type { Executor } from '../storage/database.ts';
import type { StaffDatabase, StaffExecutor } from '../storage/staff-database.ts';
import type { ReviewEntity, ReviewState } from './review.ts';

/** `review_entries` (migration 2026_11_30_0501_review): append-only; the latest row of a city, entity and key is its state. */
export interface ReviewEntriesTable {
  id: GeneratedAlways<number>;
  city_id: string;
  entity: ReviewEntity;
  entity_key: string;
  year: number;
  state: ReviewState;
  content: JsonbColumn;
  explanation: string | null;
  reason: string | null;
  platform_override: string | null;
  actor: string;
  recorded_at: CreatedAtColumn;
}

export type ReviewEntryRow = Selectable<ReviewEntriesTable>;

/** The staff database with the review table. */
export type ReviewDatabase = StaffDatabase & { review_entries: ReviewEntriesTable };
/** What the review repository runs on: the database or a transaction. */
export type ReviewExecutor = Kysely<ReviewDatabase> | Transaction<ReviewDatabase>;

/** The same executor typed with the review table (only the type changes). */
export function reviewDb(db: Executor | StaffExecutor | ReviewExecutor): ReviewExecutor {
  return db as unknown as ReviewExecutor;
}
