/**
 * Review before publishing (issue 10, point 1): what a department writes (an actual, a KPI's
 * yearly commentary) and what an expert writes (the yearly evaluation of a plan) is internal
 * until the secretariat approves it and publishes its reporting year. Pure rules; the
 * repository stores each step append-only with a snapshot of the content it saw.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved
 *     ▲                  │  ▲                   │
 *     └──── (edit) ──────┘  └── resubmit ◀── returned (reason) ◀── return
 *
 * Writing again (a correction) makes the entry submitted (or draft) again; the public keeps the
 * last approved content until the new one is approved.
 */

/** What can be reviewed. */
export type ReviewEntity = 'actual' | 'commentary' | 'evaluation';
export const REVIEW_ENTITIES: readonly ReviewEntity[] = ['actual', 'commentary', 'evaluation'];

/** The state of one reviewed entry. */
export type ReviewState = 'draft' | 'submitted' | 'approved' | 'returned';
export const REVIEW_STATES: readonly ReviewState[] = ['draft', 'submitted', 'approved', 'returned'];

/** The figures of an actual as a review step saw them. */
export interface ActualContent {
  readonly value: number;
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
}

/** The text of a commentary or evaluation as a review step saw it. */
export interface TextContent {
  readonly body: string;
  readonly title?: string;
}

/** One entry's review: its current state and what the public may see of it. */
export interface ReviewStatus {
  readonly entity: ReviewEntity;
  /** `kpi@2024-03` (actual), `kpi@2024` (commentary), `plan@2024` (evaluation). */
  readonly key: string;
  readonly year: number;
  readonly state: ReviewState;
  /** The content of the latest step (what waits for review). */
  readonly content: ActualContent | TextContent | null;
  /** The content last approved (what the public sees), null when none was or it was withdrawn. */
  readonly approved: ActualContent | TextContent | null;
  /** When the content last approved was approved (UTC instant), null when none was. */
  readonly approvedAt: Date | null;
  /** Whether some step was ever approved (a withdrawal approved hides the entry too). */
  readonly everApproved: boolean;
  readonly explanation: string | null;
  readonly reason: string | null;
  /** The reason for overriding a platform count given with the latest step (null: not an override). */
  readonly platformOverride: string | null;
  /** The override reason of the step last approved (what the public sees with the approved content). */
  readonly approvedPlatformOverride: string | null;
  readonly actor: string;
  /** When the latest step was recorded (UTC instant). */
  readonly recordedAt: Date;
  /** The id of the latest step: a reviewer's decision names the step it was shown, so a change made since is not approved unseen. */
  readonly step: number;
}

/** What a reviewer may do next. */
export type ReviewAction = 'submit' | 'approve' | 'return';

/**
 * Whether `action` is allowed from `state`: submit a draft or a returned entry, approve or
 * return a submitted one. Approving a returned entry without a resubmission is not allowed: the
 * department said nothing new.
 */
export function canTransition(state: ReviewState, action: ReviewAction): boolean {
  switch (action) {
    case 'submit':
      return state === 'draft' || state === 'returned';
    case 'approve':
    case 'return':
      return state === 'submitted';
  }
}

/** The state after an action. */
export function nextState(action: ReviewAction): ReviewState {
  return action === 'submit' ? 'submitted' : action === 'approve' ? 'approved' : 'returned';
}

/** The review key of an actual of a KPI at a time point (its ISO form). */
export function actualKey(kpiSlug: string, atIso: string): string {
  return `${kpiSlug}@${atIso}`;
}

/** The review key of a KPI's commentary or a plan's evaluation of a year. */
export function yearKey(slug: string, year: number): string {
  return `${slug}@${year}`;
}

/** The KPI (or plan) slug of a review key. */
export function slugOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('@'));
}

/** The time point (ISO) or year of a review key. */
export function pointOfKey(key: string): string {
  return key.slice(key.lastIndexOf('@') + 1);
}
