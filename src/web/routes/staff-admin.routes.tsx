import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../../auth/user.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { ONE_TIME_PASSWORD_HOURS } from '../../auth/password.ts';
import { canManageAccount, canManageAnyUsers, canManageUsers } from '../../policies/staff.policy.ts';
import { assignRole, createUser, departmentsOfCities, listStaffUsers, recentLoginAttempts, resetPassword, setDisabled, type AccountActionError } from '../../auth/user.service.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { fill } from '../views/staff/staff-layout.tsx';
import { UsersView } from '../views/staff/users.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, formOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';

const newUserForm = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/),
  displayName: z.string().trim().min(1).max(100),
  email: z.union([z.literal(''), z.string().trim().email().max(200)]),
  city: z.string().min(1),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]]),
  department: z.string(),
});

/**
 * User management under /staff/users: the system administrator manages every account, a city's
 * administrator creates users in its city and manages only accounts whose every role lies in
 * cities it administers (canManageAccount; the list shows only those). The services decide again
 * on the locked row, so a forged form cannot reach another account.
 */
export function staffAdminRoutes({ db, store }: WebDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();

  async function render(c: Context<StaffEnv>, values: Record<string, string>, errors: Record<string, string>, oneTime?: string, status = 200) {
    const user = currentUser(c);
    const cities = (await store.listCities()).filter((city) => canManageUsers(user, city.id));
    const departments = await departmentsOfCities(db, cities);
    const users = (await listStaffUsers(db)).filter(({ account }) => canManageAccount(user, account));
    const attempts = user.isSystemAdmin ? await recentLoginAttempts(db, 50) : [];
    return c.html(<UsersView page={staffPage(c)} cities={cities} departments={departments} users={users} attempts={attempts} values={values} errors={errors} oneTime={oneTime} />, status as 200);
  }

  app.use('*', async (c, next) => (canManageAnyUsers(currentUser(c)) ? next() : forbidden(c)));

  app.get('/', (c) => render(c, {}, {}));

  app.post('/', async (c) => {
    const user = currentUser(c);
    const t = staffPage(c).ctx.t;
    const form = await formOf(c);
    const parsed = newUserForm.safeParse(form);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        errors[field] = field === 'username' ? t('staff.users.error.username') : field === 'email' ? t('staff.users.error.email') : t('staff.form.error.required');
      }
      return render(c, form, errors, undefined, 422);
    }
    if (!canManageUsers(user, parsed.data.city)) return forbidden(c);
    const r = await createUser(db, user, {
      username: parsed.data.username,
      displayName: parsed.data.displayName,
      email: parsed.data.email || null,
      cityId: parsed.data.city,
      role: parsed.data.role,
      departmentId: parsed.data.department ? Number(parsed.data.department) : null,
    });
    if (!r.ok) {
      const field = r.error === 'username-taken' ? 'username' : r.error === 'unknown-city' ? 'city' : 'department';
      return render(c, form, { [field]: t(`staff.users.error.${r.error}` as MessageKey) }, undefined, 422);
    }
    // Shown once, in this response only (not stored, not in a URL); the page is no-store.
    return render(c, {}, {}, fill(t('staff.users.created'), { username: r.value.username, password: r.value.password, hours: ONE_TIME_PASSWORD_HOURS }));
  });

  /** The answer to a refused action on an account: 404 when there is none, 403 when the rule says no. */
  const refused = (c: Context<StaffEnv>, error: AccountActionError) => (error === 'not-found' ? staffNotFound(c) : forbidden(c));
  const targetId = (c: Context<StaffEnv>) => (/^[1-9][0-9]{0,9}$/.test(c.req.param('id') ?? '') ? Number(c.req.param('id')) : 0);

  app.post('/:id/role', async (c) => {
    const user = currentUser(c);
    const form = await formOf(c);
    const cityId = form['city'] ?? '';
    if (!user.isSystemAdmin && !canManageUsers(user, cityId)) return forbidden(c);
    const roleText = form['role'] ?? '';
    if (roleText !== '' && !(STAFF_ROLES as readonly string[]).includes(roleText)) return render(c, {}, { role: staffPage(c).ctx.t('staff.form.error.required') }, undefined, 422);
    const role = roleText === '' ? null : (roleText as StaffRole);
    const department = /^[0-9]{1,9}$/.test(form['department'] ?? '') ? Number(form['department']) : null;
    const r = await assignRole(db, user, targetId(c), cityId, role, department);
    if (!r.ok) {
      if (r.error === 'not-found' || r.error === 'forbidden') return refused(c, r.error);
      const field = r.error === 'unknown-city' ? 'city' : 'department';
      return render(c, {}, { [field]: staffPage(c).ctx.t(`staff.users.error.${r.error}` as MessageKey) }, undefined, 422);
    }
    return redirectWithNotice(c, '/staff/users', 'staff.saved');
  });

  app.post('/:id/reset', async (c) => {
    const r = await resetPassword(db, currentUser(c), targetId(c));
    if (!r.ok) return refused(c, r.error);
    return render(c, {}, {}, fill(staffPage(c).ctx.t('staff.users.resetDone'), { username: r.value.username, password: r.value.password, hours: ONE_TIME_PASSWORD_HOURS }));
  });

  app.post('/:id/:action{(?:disable|enable)}', async (c) => {
    const r = await setDisabled(db, currentUser(c), targetId(c), c.req.param('action') === 'disable');
    if (!r.ok) return refused(c, r.error);
    return redirectWithNotice(c, '/staff/users', 'staff.saved');
  });

  return app;
}
