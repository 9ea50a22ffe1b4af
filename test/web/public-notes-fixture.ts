import { expect } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { makeUser, StaffClient } from './staff-helpers.ts';

/*
 * What the public pages' override, commentary and evaluation tests set up, through the staff
 * area's HTTP forms as a secretariat would: an overridden status, a department's commentary for
 * a published and an unpublished year, and the expert evaluation for both years, approved in
 * review; the published year is published.
 */

export const NOTES_CITY = 'ichinoseki';
export const NOTES_PLAN = 'ichinoseki-sdgs-future-city-1';
/** Computed "behind" (審議会の女性委員比率); the secretariat sets "on track". */
export const OVERRIDDEN_KPI = 'women-on-councils';
/** Computed "on track" with SDG targets (新規就農者数), set to "behind": shows on the SDG goal pages. */
export const SECOND_OVERRIDDEN_KPI = 'new-farmers';
export const SECOND_JUSTIFICATION = '2024年度は研修修了者が少なく、今後の新規就農者の減少が見込まれるため。';
export const JUSTIFICATION = '2024年度に委員改選があり、女性委員の登用が決まっているため、実質的には順調と判断した。';
export const PUBLISHED_YEAR = 2024;
export const UNPUBLISHED_YEAR = 2025;
export const COMMENTARY_PUBLISHED = '女性委員の登用について、各審議会の所管課へ働きかけを行った。';
export const COMMENTARY_UNPUBLISHED = '未公表年度のコメント：改選後の比率は集計中。';
export const EVALUATION_PUBLISHED = '女性の参画について、目標に向けた取組が着実に進んでいると評価する。';
export const EVALUATION_UNPUBLISHED = '未公表年度の評価：速報値のため講評を保留する。';

/** Sets the notes up on a seeded context (once per context: user names are unique). */
export async function setUpPublicNotes(ctx: AppContext): Promise<void> {
  await makeUser(ctx, 'notes-sec', NOTES_CITY, 'secretariat');
  const staff = new StaffClient(createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff }));
  expect((await staff.login('notes-sec')).status).toBe(303);
  const base = `/staff/cities/${NOTES_CITY}`;
  // The session's CSRF token comes with the first page after log-in.
  expect((await staff.get(`${base}/kpis/${OVERRIDDEN_KPI}`)).status).toBe(200);
  // Each edit form is opened first: it carries the version it edits (issue 10.4).
  const ok = async (page: string, path: string, form: Record<string, string>) => {
    const r = await staff.submit(`${base}${page}`, `${base}${path}`, form);
    expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(303);
  };
  await ok(`/kpis/${OVERRIDDEN_KPI}`, `/kpis/${OVERRIDDEN_KPI}/override`, { status: 'on-track', justification: JUSTIFICATION });
  await ok(`/kpis/${SECOND_OVERRIDDEN_KPI}`, `/kpis/${SECOND_OVERRIDDEN_KPI}/override`, { status: 'behind', justification: SECOND_JUSTIFICATION });
  await ok(`/kpis/${OVERRIDDEN_KPI}`, `/kpis/${OVERRIDDEN_KPI}/commentary`, { year: String(PUBLISHED_YEAR), body: COMMENTARY_PUBLISHED });
  await ok(`/kpis/${OVERRIDDEN_KPI}`, `/kpis/${OVERRIDDEN_KPI}/commentary`, { year: String(UNPUBLISHED_YEAR), body: COMMENTARY_UNPUBLISHED });
  await ok(`/plans/${NOTES_PLAN}`, `/plans/${NOTES_PLAN}/evaluation`, { year: String(PUBLISHED_YEAR), body: EVALUATION_PUBLISHED });
  await ok(`/plans/${NOTES_PLAN}`, `/plans/${NOTES_PLAN}/evaluation`, { year: String(UNPUBLISHED_YEAR), body: EVALUATION_UNPUBLISHED });
  // Nothing is public before review (issue 10): the secretariat approves all four and publishes
  // the published year only.
  for (const [entity, key] of [
    ['commentary', `${OVERRIDDEN_KPI}@${PUBLISHED_YEAR}`],
    ['commentary', `${OVERRIDDEN_KPI}@${UNPUBLISHED_YEAR}`],
    ['evaluation', `${NOTES_PLAN}@${PUBLISHED_YEAR}`],
    ['evaluation', `${NOTES_PLAN}@${UNPUBLISHED_YEAR}`],
  ] as const) {
    expect((await staff.post(`${base}/review`, { entity, key, action: 'approve' })).status, `approve ${key}`).toBe(303);
  }
  expect((await staff.post(`${base}/publication`, { year: String(PUBLISHED_YEAR), published: 'true', reason: '確認済み' })).status).toBe(303);
  expect((await staff.post(`${base}/publication`, { year: String(UNPUBLISHED_YEAR), published: 'false', reason: '集計中のため' })).status).toBe(303);
}
