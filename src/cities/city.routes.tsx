import { Hono, type Context } from 'hono';
import { ONE_TIME_PASSWORD_HOURS } from '../auth/password.ts';
import { formatTokyoDateTime } from '../core/time/clock.ts';
import { canCreateCities } from '../policies/staff.policy.ts';
import { currentUser } from '../web/middleware/require-role.ts';
import type { StaffEnv } from '../web/middleware/staff-env.ts';
import { forbidden, formOf, staffPage } from '../web/routes/staff-page.tsx';
import { fill } from '../web/views/staff/staff-layout.tsx';
import type { WebDeps } from '../web/web-deps.ts';
import { CityAdminView, cityFieldErrorMessage, type AdminCityItem } from './city-admin.view.tsx';
import { createCity } from './city-create.command.ts';
import type { CityCreateInput, CityFieldError } from './city-input.ts';
import { listAdminCities } from './city.service.ts';

/** The fields of the form, as posted (anything else is ignored). */
const FIELDS = ['id', 'name', 'nameEn', 'prefecture', 'code', 'fiscalYearStartMonth', 'adminUsername', 'adminDisplayName', 'adminEmail'] as const;

/**
 * The system administrator's cities page under /staff/system/cities (issue 13.1): GET lists the
 * cities and shows the form; POST creates a city with its first administrator through
 * {@link createCity} (which asks the policy again), answering 422 with the input kept and the
 * problem next to each field, or the page with the one-time password shown once.
 */
export function cityAdminRoutes({ db, store }: WebDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();

  async function render(c: Context<StaffEnv>, values: Record<string, string>, errors: Record<string, string>, created?: string, status: 200 | 422 = 200) {
    const cities: AdminCityItem[] = (await listAdminCities(db)).map((r) => ({ ...r, createdAt: formatTokyoDateTime(r.createdAt) }));
    return c.html(<CityAdminView page={staffPage(c)} cities={cities} values={values} errors={errors} created={created} />, status);
  }

  app.use('*', async (c, next) => (canCreateCities(currentUser(c)) ? next() : forbidden(c)));

  app.get('/', (c) => render(c, {}, {}));

  app.post('/', async (c) => {
    const form = await formOf(c);
    const values = Object.fromEntries(FIELDS.map((f) => [f, form[f] ?? ''])) as Record<(typeof FIELDS)[number], string>;
    const input: CityCreateInput = { ...values };
    const r = await createCity({ db, store, creator: { kind: 'staff', user: currentUser(c) }, input });
    if (!r.ok) {
      if (r.forbidden) return forbidden(c);
      const ctx = staffPage(c).ctx;
      const errors = Object.fromEntries(Object.entries(r.errors).map(([field, e]) => [field, cityFieldErrorMessage(ctx, e as CityFieldError)]));
      return render(c, values, errors, undefined, 422);
    }
    const t = staffPage(c).ctx.t;
    // Shown once, in this response only (not stored, not in a URL); staff pages are no-store.
    return render(c, {}, {}, fill(t('city.admin.created'), { name: r.value.city.name, username: r.value.admin.username, password: r.value.admin.password, hours: String(ONE_TIME_PASSWORD_HOURS) }));
  });

  return app;
}
