import type { StaffUser } from '../auth/user.ts';
import { roleIn } from '../auth/user.ts';

/**
 * Who may do what in the partner platform. A partner keeps only its own profile (the route
 * resolves the partner from the logged-in user, never from the URL); the secretariat of a city
 * (or its administrator) runs that city's programme and alone sees contact details.
 */

/** Whether the user runs the partner programme of the city: review, events, awards, dispatch, the outbox. */
export function canRunPartnerProgramme(user: StaffUser, cityId: string): boolean {
  const role = roleIn(user, cityId);
  return role === 'secretariat' || role === 'administrator' || user.isSystemAdmin;
}

/** Whether the user may read partners' representatives and contact details (the secretariat only). */
export function canSeePartnerContacts(user: StaffUser, cityId: string): boolean {
  return canRunPartnerProgramme(user, cityId);
}

/** Whether the user may score award entries: the secretariat and the city's outside experts. */
export function canScoreAwards(user: StaffUser, cityId: string): boolean {
  return canRunPartnerProgramme(user, cityId) || roleIn(user, cityId) === 'expert';
}
