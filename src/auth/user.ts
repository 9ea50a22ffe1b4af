
/** A role a user holds in one city (see src/policies/ for what each may do). */
export type StaffRole = 'administrator' | 'secretariat' | 'department-editor' | 'expert' | 'viewer';
/** Every role, least privilege last. */
export const STAFF_ROLES: readonly StaffRole[] = ['administrator', 'secretariat', 'department-editor', 'expert', 'viewer'];

/** A user's role in one city; a department editor also names the department whose KPIs it edits. */
export interface Membership {
  readonly cityId: string;
  readonly role: StaffRole;
  readonly departmentId: number | null;
  /** The department's slug, for display and for matching KPI ownership. */
  readonly departmentSlug: string | null;
}

/** A logged-in staff user as policies and views see it (never the password hash). */
export interface StaffUser {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  /** Manages users and settings of every city (the administrator created at first start). */
  readonly isSystemAdmin: boolean;
  /** Set for a one-time password: the user must choose a password before doing anything else. */
  readonly mustChangePassword: boolean;
  readonly memberships: readonly Membership[];
}

/** The user's membership in a city, if any. */
export function membershipIn(user: StaffUser, cityId: string): Membership | undefined {
  return user.memberships.find((m) => m.cityId === cityId);
}

/** The user's role in a city, if any. */
export function roleIn(user: StaffUser, cityId: string): StaffRole | undefined {
  return membershipIn(user, cityId)?.role;
}

/** The name written to the audit log for this user's changes ("username (display name)"). */
export function actorName(user: Pick<StaffUser, 'username' | 'displayName'>): string {
  return `${user.username} (${user.displayName})`;
}
