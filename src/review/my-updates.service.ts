import type { CityData } from '../core/city/city.ts';
import type { StaffUser } from '../auth/user.ts';
import { canReviewData, canRunEntryRounds } from '../policies/staff.policy.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';
import { departmentsOf, type DepartmentWithKpis } from '../departments/department.service.ts';
import { roundProgress, type DepartmentProgress } from './round.service.ts';
import type { Executor } from '../storage/database.ts';
import { listDepartmentEditors, listRounds } from './round.repository.ts';
import type { EntryRoundRow } from '../storage/tables/staff.table.ts';
import { lastActualUpdates } from './review.repository.ts';
import { daysBetween, tokyoDateOf } from '../core/time/clock.ts';
import { slugOfKey, type ReviewStatus } from './review.ts';

/*
 * "My updates" (issue 10, point 2): most KPI owners update only when the product asks them
 * personally, so every staff user gets one page with what is theirs to do, and the secretariat
 * sees completion by department over every open round.
 */

/** A KPI of the user's with what it lacks. */
export interface MyKpi {
  readonly id: string;
  readonly name: string;
  /** When an actual of it was last written (null: never since the data were loaded). */
  readonly lastUpdate: Date | null;
  readonly daysSinceUpdate: number | null;
}

/** An open round with its deadline as the user sees it. */
export interface OpenRound {
  readonly round: EntryRoundRow;
  /** Days to the deadline in JST (negative: overdue). */
  readonly daysLeft: number;
  /** The user's own KPIs still without an actual of the round's year. */
  readonly missing: readonly MyKpi[];
  /** Secretariat: completion of every department. */
  readonly completion?: readonly DepartmentProgress[];
}

/** One city's part of the "my updates" page. */
export interface MyCityUpdates {
  readonly cityId: string;
  readonly cityName: string;
  readonly role: string;
  readonly department: DepartmentWithKpis | undefined;
  /** Every open round, soonest deadline first (none hides another). */
  readonly rounds: readonly OpenRound[];
  /** Without an open round: the user's KPIs lacking an actual for the current reporting year. */
  readonly currentYear: number;
  readonly missingCurrent: readonly MyKpi[];
  readonly returned: readonly (ReviewStatus & { readonly label: string })[];
  readonly drafts: readonly (ReviewStatus & { readonly label: string })[];
  /** Secretariat: entries awaiting review. */
  readonly awaitingReview: number | null;
  /** Secretariat: departments with KPIs but nobody with an e-mail address to remind. */
  readonly unremindable: readonly DepartmentWithKpis[] | null;
}

/** Everything the "my updates" page shows for one user over the cities they have a role in. */
export async function myUpdates(db: Executor, store: CityDataStore, user: StaffUser, now: Date = new Date()): Promise<MyCityUpdates[]> {
  const today = tokyoDateOf(now);
  const out: MyCityUpdates[] = [];
  for (const m of user.memberships) {
    const staff = await store.getStaff(m.cityId);
    if (!staff) continue;
    const { departments } = await departmentsOf(db, m.cityId);
    const secretariat = canReviewData(user, m.cityId);
    const department = m.departmentId != null ? departments.find((d) => d.id === m.departmentId) : undefined;
    const mine: readonly string[] = secretariat ? [] : (department?.kpiSlugs ?? []);
    const last = await lastActualUpdates(db, m.cityId);
    const kpiOf = (slug: string): MyKpi => {
      const lastUpdate = last.get(slug) ?? null;
      return { id: slug, name: staff.data.kpis.find((k) => k.id === slug)?.name ?? slug, lastUpdate, daysSinceUpdate: lastUpdate ? daysBetween(tokyoDateOf(lastUpdate), today) : null };
    };
    const rounds = (await listRounds(db, m.cityId))
      .filter((r) => r.closed_at === null)
      .sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.year - b.year))
      .map((round): OpenRound => {
        const own = department ? roundProgress(staff.data, [department], round.year)[0]!.missing.map((k) => kpiOf(k.id)) : [];
        return {
          round,
          daysLeft: daysBetween(today, round.deadline),
          missing: secretariat ? [] : own,
          ...(canRunEntryRounds(user, m.cityId) && { completion: roundProgress(staff.data, departments, round.year) }),
        };
      });
    const currentYear = Number(today.slice(0, 4)) - 1;
    const missingCurrent = mine.filter((slug) => !hasActual(staff.data, slug, currentYear)).map(kpiOf);
    const label = (s: ReviewStatus) => staff.data.kpis.find((k) => k.id === slugOfKey(s.key))?.name ?? staff.data.plans.find((p) => p.id === slugOfKey(s.key))?.title ?? s.key;
    const ownEntry = (s: ReviewStatus) => (s.entity === 'evaluation' ? m.role === 'expert' : mine.includes(slugOfKey(s.key)));
    const reviews = [...staff.reviews.values()];
    const editorsByDepartment = new Set((await listDepartmentEditors(db, m.cityId)).map((e) => e.department_id));
    out.push({
      cityId: m.cityId,
      cityName: staff.data.city.name,
      role: m.role,
      department,
      rounds,
      currentYear,
      missingCurrent,
      returned: reviews.filter((s) => s.state === 'returned' && ownEntry(s)).map((s) => ({ ...s, label: label(s) })),
      drafts: reviews.filter((s) => s.state === 'draft' && ownEntry(s)).map((s) => ({ ...s, label: label(s) })),
      awaitingReview: secretariat ? reviews.filter((s) => s.state === 'submitted').length : null,
      unremindable: secretariat ? departments.filter((d) => d.kpiSlugs.length > 0 && !editorsByDepartment.has(d.id)) : null,
    });
  }
  return out;
}

function hasActual(data: CityData, slug: string, year: number): boolean {
  return data.kpis.find((k) => k.id === slug)?.observations.some((o) => (o.at.kind === 'period' ? o.at.to.year : o.at.year) === year) ?? false;
}
