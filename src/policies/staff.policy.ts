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

/** Whether the user may manage accounts and roles of the city (any city for the system administrator). */
export function canManageUsers(user: StaffUser, cityId: string): boolean {
  return user.isSystemAdmin || roleIn(user, cityId) === 'administrator';
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
