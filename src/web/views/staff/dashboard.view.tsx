import type { City } from '../../../core/city/city.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import { localized } from '../view-context.ts';
import { fill, StaffLayout, type StaffPage, sep } from './staff-layout.tsx';

/** The staff home: the cities the user has a role in (all of them for the system administrator). */
export function DashboardView(props: {
  page: StaffPage;
  cities: readonly City[];
  /** City id → submissions waiting in its partner review queue (only cities whose programme the user runs). */
  partnerQueues?: ReadonlyMap<string, number>;
  notice?: string | undefined;
}) {
  const { ctx, user } = props.page;
  const t = ctx.t;
  const mine = props.cities.filter((c) => user?.isSystemAdmin || user?.memberships.some((m) => m.cityId === c.id));
  return (
    <StaffLayout page={props.page} title={t('staff.dashboard.title')} notice={props.notice}>
      <h1>{t('staff.dashboard.title')}</h1>
      {mine.length > 0 ? (
        <p>
          <a class="button" href={ctx.href('/staff/updates')}>
            {t('myUpdates.title')}
          </a>
        </p>
      ) : null}
      <h2>{t('staff.dashboard.cities')}</h2>
      {mine.length === 0 ? (
        <p>{t('staff.dashboard.noCities')}</p>
      ) : (
        <ul class="card-list">
          {mine.map((c) => {
            const m = user?.memberships.find((x) => x.cityId === c.id);
            return (
              <li>
                <h3>
                  <a href={ctx.href(`/staff/cities/${c.id}`)}>{localized(ctx, c.name, c.nameEn)}</a>
                </h3>
                <p>
                  {t('staff.dashboard.role')}{sep(ctx)}{m ? t(`staff.role.${m.role}` as MessageKey) : t('staff.role.system-admin')}
                </p>
                {props.partnerQueues?.has(c.id) ? (
                  <p>
                    <a href={ctx.href(`/staff/partners/${c.id}#queue`)}>{fill(t('staff.partnerQueue'), { count: props.partnerQueues.get(c.id)! })}</a>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </StaffLayout>
  );
}
