import type { SessionPolicy } from '../../auth/session.ts';
import type { StaffUser } from '../../auth/user.ts';
import type { Clock } from '../../core/time/clock.ts';
import type { SessionRow } from '../../storage/tables/staff.table.ts';

/** Settings the staff middleware needs. */
export interface StaffWebSettings {
  readonly session: SessionPolicy;
  /** The trusted reverse proxies in front, each adding an X-Forwarded-For entry (0: none; see {@link clientIp}). */
  readonly trustProxy: number;
}

/** The Hono environment of the staff area: what the middleware puts on the context. */
export interface StaffEnv {
  Variables: {
    /** The logged-in user, or null. */
    user: StaffUser | null;
    /** The session row, or null. */
    session: SessionRow | null;
    /** The CSRF token forms of this request must carry (the session's, or the pre-session one). */
    csrfToken: string;
    /** The client's IP address (for rate limits and the log). */
    clientIp: string;
    /** The app's clock (Asia/Tokyo "today"; injected in tests). */
    clock: Clock;
  };
}
