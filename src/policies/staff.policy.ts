import { roleIn, type StaffUser } from '../auth/user.ts';

/**
 * What a staff user may do, as sentences. Every route of the staff area asks one of these
 * before it reads or writes; nothing else decides permissions.
 *
 * Roles are per city: administrator (users and settings), secretariat (everything of its city),
 * department editor (the KPIs its department owns), expert (reads everything of its city and
 * writes evaluations), viewer (reads). The system administrator created at first start manages
 * users of every city and reads every city, but enters no data.
 */

/** A KPI as policies see it: its city and the department that owns it (null when none does). */
export interface KpiOwnership {
  readonly cityId: string;
  readonly departmentId: number | null;
}

/** Whether the user may see the city's staff pages, unpublished data included. */
export function canReadCity(user: StaffUser, cityId: string): boolean {
  return user.isSystemAdmin || roleIn(user, cityId) !== undefined;
}

/** Whether the user may enter or correct actuals of this KPI and write its yearly commentary. */
export function canEditKpi(user: StaffUser, kpi: KpiOwnership): boolean {
  const m = user.memberships.find((x) => x.cityId === kpi.cityId);
  if (!m) return false;
  if (m.role === 'secretariat') return true;
  return m.role === 'department-editor' && kpi.departmentId !== null && m.departmentId === kpi.departmentId;
}

/** Whether the user may import actuals from a file for the city (rows are then checked KPI by KPI with canEditKpi). */
export function canImportActuals(user: StaffUser, cityId: string): boolean {
  const role = roleIn(user, cityId);
  return role === 'secretariat' || role === 'department-editor';
}

/** Whether the user may edit the city's plans, nodes and KPI definitions (and assign KPIs to departments). */
export function canEditPlans(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/**
 * Whether the user may build the city's plans in the app (issue 13.2): create, edit, reorder,
 * archive and delete plans, their nodes and KPIs, record versions, start the next period, import
 * a KPI table. The secretariat only: the city's administrator manages users and settings, not
 * plans (separation of duties, docs/AUTH.md); it creates a secretariat account for this.
 */
export function canBuildPlans(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/** The role the plan builder, the next period and the KPI-table import need (what their 403 page names). */
export const PLAN_BUILDER_ROLE = 'secretariat' as const;

/** Whether the user may revise targets (with a reason) in the city. */
export function canReviseTargets(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/** Whether the user may publish or unpublish a year's data of the city. */
export function canPublishData(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/** Whether the user may open, close and remind data-entry rounds of the city, and read its outbox. */
export function canRunEntryRounds(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/** Whether the user may override a computed status (with a justification). */
export function canOverrideStatus(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/** Whether the user may write the expert evaluation of the city's plans. */
export function canWriteEvaluation(user: StaffUser, cityId: string): boolean {
  const role = roleIn(user, cityId);
  return role === 'expert' || role === 'secretariat';
}

/** Whether the user may create accounts in the city (any city for the system administrator); see {@link canManageAccount} for existing ones. */
export function canManageUsers(user: StaffUser, cityId: string): boolean {
  return user.isSystemAdmin || roleIn(user, cityId) === 'administrator';
}

/**
 * A user account as the user-management rule sees it: whether it is a system administrator, a
 * partner's log-in (linked in `partner_accounts`), and its roles per city.
 */
export interface ManagedAccount {
  readonly id: number;
  readonly isSystemAdmin: boolean;
  readonly isPartner: boolean;
  readonly memberships: readonly { readonly cityId: string }[];
}

/**
 * Whether `actor` may change, reset, disable or enable the account `target` (issue 9 point 1).
 * The system administrator may touch every account. Nobody else touches a system administrator
 * or a partner's account. A city administrator may touch an account only when it has at least
 * one role and every one of its roles lies in a city the actor administers, so no action on a
 * user of one's own city reaches a person who also works in another city (an account without
 * any role, or with a role elsewhere, is the system administrator's to handle).
 */
export function canManageAccount(actor: StaffUser, target: ManagedAccount): boolean {
  if (actor.isSystemAdmin) return true;
  if (target.isSystemAdmin || target.isPartner) return false;
  if (target.memberships.length === 0) return false;
  return target.memberships.every((m) => roleIn(actor, m.cityId) === 'administrator');
}

/**
 * Whether `actor` may give `target` a role in `cityId` (or remove it there): the actor manages
 * the city and the account as it is now ({@link canManageAccount}). An account outside the
 * actor's cities cannot be drawn in by giving it a role first.
 */
export function canAssignRole(actor: StaffUser, target: ManagedAccount, cityId: string): boolean {
  return canManageUsers(actor, cityId) && canManageAccount(actor, target);
}

/** Whether the user may manage accounts at all (sees the users page). */
export function canManageAnyUsers(user: StaffUser): boolean {
  return user.isSystemAdmin || user.memberships.some((m) => m.role === 'administrator');
}

/** Whether the user may read the city's audit log. */
export function canReadAuditLog(user: StaffUser, cityId: string): boolean {
  if (user.isSystemAdmin) return true;
  const role = roleIn(user, cityId);
  return role === 'secretariat' || role === 'administrator' || role === 'expert';
}

/** The cities whose audit log the user may read (null: all, for the system administrator). */
export function auditCities(user: StaffUser): string[] | null {
  if (user.isSystemAdmin) return null;
  return user.memberships.filter((m) => canReadAuditLog(user, m.cityId)).map((m) => m.cityId);
}

/** Whether the user may approve or return what departments and experts submitted (the review before publishing). */
export function canReviewData(user: StaffUser, cityId: string): boolean {
  return roleIn(user, cityId) === 'secretariat';
}

/**
 * Whether the user may create cities (issue 13.1): the system administrator only. A city's
 * administrator runs one city and never adds another to the installation.
 */
export function canCreateCities(user: StaffUser): boolean {
  return user.isSystemAdmin;
}
