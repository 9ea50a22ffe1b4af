import { Hono } from 'hono';
import { auditCities } from '../../policies/staff.policy.ts';
import { isIsoDate } from '../../staff/staff-entry.service.ts';
import { auditEntities, searchAuditLog } from '../../audit/audit.service.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { AuditView } from '../views/staff/audit.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, staffPage } from './staff-page.tsx';

const PAGE_SIZE = 100;

/**
 * The audit log under /staff/audit: read only (GET), filtered by city, entity, actor and dates,
 * limited to the cities whose log the user may read. There is no route that changes the log, and
 * the database refuses UPDATE and DELETE on it.
 */
export function staffAuditRoutes({ db, store }: WebDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  app.get('/', async (c) => {
    const user = currentUser(c);
    const allowed = auditCities(user);
    if (allowed !== null && allowed.length === 0) return forbidden(c);
    const q = (name: string) => (c.req.query(name) ?? '').trim();
    const cityId = q('city');
    if (cityId && allowed !== null && !allowed.includes(cityId)) return forbidden(c);
    const from = isIsoDate(q('from')) ? new Date(`${q('from')}T00:00:00+09:00`) : undefined;
    const until = isIsoDate(q('to')) ? new Date(new Date(`${q('to')}T00:00:00+09:00`).getTime() + 86_400_000) : undefined;
    const before = /^\d+$/.test(q('before')) ? Number(q('before')) : undefined;
    const rows = await searchAuditLog(db, {
      cities: allowed,
      ...(cityId && { cityId }),
      ...(q('entity') && { entity: q('entity') }),
      ...(q('entityId') && { entityIdPrefix: q('entityId') }),
      ...(q('actor') && { actor: q('actor') }),
      ...(from && { from }),
      ...(until && { until }),
      ...(before !== undefined && { beforeId: before }),
      limit: PAGE_SIZE,
    });
    const cities = (await store.listCities()).filter((city) => allowed === null || allowed.includes(city.id));
    const values = { city: cityId, entity: q('entity'), entityId: q('entityId'), actor: q('actor'), from: q('from'), to: q('to') };
    let olderHref: string | null = null;
    if (rows.length === PAGE_SIZE) {
      const params = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
      params.set('before', String(rows.at(-1)!.id));
      if (c.req.query('lang') === 'en') params.set('lang', 'en');
      olderHref = `/staff/audit?${params.toString()}`;
    }
    return c.html(<AuditView page={staffPage(c)} cities={cities} entities={await auditEntities(db)} values={values} rows={rows} olderHref={olderHref} />);
  });
  return app;
}
