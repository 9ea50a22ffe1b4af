import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../../storage/tables/staff.table.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { canManageAnyUsers, canManageUsers } from '../../policies/staff.policy.ts';
import { assignRole, createUser, listStaffUsers, resetPassword, setDisabled } from '../../services/user.service.ts';
import { listDepartments } from '../../storage/department.repository.ts';
import { listLoginAttempts } from '../../storage/user.repository.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { fill } from '../views/staff/staff-layout.tsx';
import { UsersView } from '../views/staff/users.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, formOf, redirectWithNotice, staffPage } from './staff.routes.tsx';

const newUserForm = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/),
  displayName: z.string().trim().min(1).max(100),
  email: z.union([z.literal(''), z.string().trim().email().max(200)]),
  city: z.string().min(1),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]]),
  department: z.string(),
});

/**
 * User management under /staff/users: the system administrator manages every city's users, a
 * city's administrator those of its city (the list shows what the user may manage).
 */
export function staffAdminRoutes({ db, store }: WebDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();

  async function render(c: Context<StaffEnv>, values: Record<string, string>, errors: Record<string, string>, oneTime?: string, status = 200) {
    const user = currentUser(c);
    const cities = (await store.listCities()).filter((city) => canManageUsers(user, city.id));
    const departments = (await Promise.all(cities.map(async (city) => (await listDepartments(db, city.id)).map((d) => ({ ...d, cityName: city.name }))))).flat();
    const users = (await listStaffUsers(db)).filter(({ user: u }) => user.isSystemAdmin || u.memberships.some((m) => canManageUsers(user, m.cityId)));
    const attempts = user.isSystemAdmin ? await listLoginAttempts(db, 50) : [];
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
      const field = r.error === 'username-taken' ? 'username' : 'department';
      return render(c, form, { [field]: t(`staff.users.error.${r.error}` as MessageKey) }, undefined, 422);
    }
    // Shown once, in this response only (not stored, not in a URL); the page is no-store.
    return render(c, {}, {}, fill(t('staff.users.created'), { username: r.value.username, password: r.value.password }));
  });

  app.post('/:id/role', async (c) => {
    const user = currentUser(c);
    const form = await formOf(c);
    const cityId = form['city'] ?? '';
    if (!canManageUsers(user, cityId)) return forbidden(c);
    const role = (STAFF_ROLES as readonly string[]).includes(form['role'] ?? '') ? (form['role'] as StaffRole) : null;
    const r = await assignRole(db, user, Number(c.req.param('id')), cityId, role, form['department'] ? Number(form['department']) : null);
    if (!r.ok) return render(c, {}, { department: staffPage(c).ctx.t(`staff.users.error.${r.error}` as MessageKey) }, undefined, 422);
    return redirectWithNotice(c, '/staff/users', 'staff.saved');
  });

  app.post('/:id/reset', async (c) => {
    const user = currentUser(c);
    const target = (await listStaffUsers(db)).find((u) => u.row.id === Number(c.req.param('id')));
    if (!target || !(user.isSystemAdmin || target.user.memberships.some((m) => canManageUsers(user, m.cityId)))) return forbidden(c);
    const r = await resetPassword(db, user, target.row.id);
    return render(c, {}, {}, fill(staffPage(c).ctx.t('staff.users.resetDone'), { username: r.username, password: r.password }));
  });

  app.post('/:id/:action{disable|enable}', async (c) => {
    const user = currentUser(c);
    const target = (await listStaffUsers(db)).find((u) => u.row.id === Number(c.req.param('id')));
    if (!target || target.row.id === user.id || !(user.isSystemAdmin || target.user.memberships.some((m) => canManageUsers(user, m.cityId)))) return forbidden(c);
    await setDisabled(db, user, target.row.id, c.req.param('action') === 'disable');
    return redirectWithNotice(c, '/staff/users', 'staff.saved');
  });

  return app;
}
