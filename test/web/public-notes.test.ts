import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { publicView } from '../../src/review/publication.service.ts';
import { createApp } from '../../src/web/app.tsx';
import {
  COMMENTARY_PUBLISHED,
  COMMENTARY_UNPUBLISHED,
  EVALUATION_PUBLISHED,
  EVALUATION_UNPUBLISHED,
  JUSTIFICATION,
  NOTES_CITY,
  NOTES_PLAN,
  OVERRIDDEN_KPI,
  PUBLISHED_YEAR,
  SECOND_JUSTIFICATION,
  SECOND_OVERRIDDEN_KPI,
  setUpPublicNotes,
  UNPUBLISHED_YEAR,
} from './public-notes-fixture.ts';

/*
 * The secretariat's status override, the departments' yearly commentary and the experts'
 * evaluation on the public pages, downloads and API; unpublished years never reach the public.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await setUpPublicNotes(ctx);
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const text = async (path: string) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
/** Text without tags and SVG, for assertions on what a reader sees. */
const visible = (html: string) => html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const json = async (path: string) => JSON.parse(await text(path)) as Record<string, unknown>;
const kpiPage = `/cities/${NOTES_CITY}/kpis/${OVERRIDDEN_KPI}`;
const planPage = `/cities/${NOTES_CITY}/plans/${NOTES_PLAN}`;

describe('the store’s public view', () => {
  it('keeps commentaries and plan evaluations of unpublished years from the public, and staff still see them', async () => {
    const staff = (await ctx.store.getStaff(NOTES_CITY))!;
    expect(staff.unpublishedYears.has(UNPUBLISHED_YEAR)).toBe(true);
    const staffPlan = staff.data.plans.find((p) => p.id === NOTES_PLAN)!;
    expect(staffPlan.narratives.filter((n) => n.kind === 'expert-evaluation').map((n) => n.year)).toEqual(expect.arrayContaining([PUBLISHED_YEAR, UNPUBLISHED_YEAR]));
    expect(staff.data.yearlyCommentaries!.map((c) => c.year)).toEqual(expect.arrayContaining([PUBLISHED_YEAR, UNPUBLISHED_YEAR]));

    const pub = (await ctx.store.get(NOTES_CITY))!;
    const plan = pub.plans.find((p) => p.id === NOTES_PLAN)!;
    const years = plan.narratives.filter((n) => n.kind === 'expert-evaluation').map((n) => n.year);
    expect(years).toContain(PUBLISHED_YEAR);
    expect(years).not.toContain(UNPUBLISHED_YEAR);
    expect(pub.yearlyCommentaries!.map((c) => c.year)).toEqual([PUBLISHED_YEAR]);
    // The override has no year: it stays public with its justification.
    expect(pub.statusOverrides).toEqual(
      expect.arrayContaining([
        { kpiId: OVERRIDDEN_KPI, status: 'on-track', justification: JUSTIFICATION, decidedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
        { kpiId: SECOND_OVERRIDDEN_KPI, status: 'behind', justification: SECOND_JUSTIFICATION, decidedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      ]),
    );
    expect(pub.statusOverrides).toHaveLength(2);
  });

  it('drops narratives of an unpublished year and keeps undated ones (pure)', () => {
    const data = ctx.store.getStaff(NOTES_CITY);
    return data.then((s) => {
      const plan = s!.data.plans.find((p) => p.id === NOTES_PLAN)!;
      const withUndated = { ...s!.data, plans: [{ ...plan, narratives: [...plan.narratives, { kind: 'other' as const, title: '計画について', body: '年の記載のない本文' }] }] };
      const view = publicView({ data: withUndated, publishedYears: new Set([PUBLISHED_YEAR]), unpublishedYears: new Set([UNPUBLISHED_YEAR]), reviews: new Map() });
      const bodies = view.plans[0]!.narratives.map((n) => n.body);
      expect(bodies).toContain('年の記載のない本文');
      expect(bodies).toContain(EVALUATION_PUBLISHED);
      expect(bodies).not.toContain(EVALUATION_UNPUBLISHED);
    });
  });
});

describe('KPI page', () => {
  it('shows the computed status beside the one the secretariat set, with justification and date (ja)', async () => {
    const html = await text(kpiPage);
    const seen = visible(html);
    expect(seen).toMatch(/計算上の状況 △ 遅れ 事務局の判断 ○ 順調/);
    expect(seen).toMatch(/計算上の状況は「遅れ」ですが、事務局が「順調」と判断しました（\d{4}年\d{1,2}月\d{1,2}日）。/);
    expect(seen).toContain(`理由： ${JUSTIFICATION}`);
  });

  it('says the same in English', async () => {
    const seen = visible(await text(`${kpiPage}?lang=en`));
    expect(seen).toMatch(/Computed △ Behind Set by the secretariat ○ On track/);
    expect(seen).toMatch(/Computed: Behind; set by the secretariat: On track \(decided on \d{1,2} [A-Z][a-z]+ \d{4}\)\./);
    expect(seen).toContain(`Justification: ${JUSTIFICATION}`);
  });

  it('shows the department’s commentary by year for published years only', async () => {
    const seen = visible(await text(kpiPage));
    expect(seen).toContain(`2024年（令和6年） 担当課のコメント ${COMMENTARY_PUBLISHED}`);
    expect(seen).not.toContain(COMMENTARY_UNPUBLISHED);
    expect(seen).not.toContain('2025年（令和7年）');
    expect(visible(await text(`${kpiPage}?lang=en`))).toContain(`2024 Commentary of the department ${COMMENTARY_PUBLISHED}`);
  });

  it('publishes override and commentary in its JSON, on the page and in the API', async () => {
    for (const path of [`${kpiPage}?format=json`, `/api/v1/cities/${NOTES_CITY}/kpis/${OVERRIDDEN_KPI}`]) {
      const body = await json(path);
      expect(body['status'], path).toBe('behind');
      expect(body['status_override'], path).toEqual({ status: 'on-track', justification: JUSTIFICATION, decided_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      const commentary = body['commentary'] as { year: number; kind: string; text: string }[];
      expect(commentary.filter((c) => c.kind === 'department'), path).toEqual([{ year: PUBLISHED_YEAR, kind: 'department', text: COMMENTARY_PUBLISHED, plan: null, observation_at: null }]);
    }
  });

  it('a KPI without an override says so with null and shows a single badge', async () => {
    const body = await json(`/api/v1/cities/${NOTES_CITY}/kpis/fuel-wood-production`);
    expect(body['status_override']).toBeNull();
    expect(await text(`/cities/${NOTES_CITY}/kpis/fuel-wood-production`)).not.toContain('status-pair');
  });
});

describe('plan page', () => {
  it('shows the override in the KPI row, with its justification', async () => {
    const html = await text(planPage);
    const row = html.slice(html.indexOf(`/kpis/${OVERRIDDEN_KPI}"`));
    const cell = visible(row.slice(0, row.indexOf('</tr>')));
    expect(cell).toMatch(/計算上の状況 △ 遅れ 事務局の判断 ○ 順調 理由：/);
    expect(cell).toContain(JUSTIFICATION);
  });

  it('keeps roll-ups and the status filter on the computed status', async () => {
    const behind = visible(await text(`${planPage}?status=behind`));
    expect(behind).toContain('審議会の女性委員比率');
    const onTrack = visible(await text(`${planPage}?status=on-track`));
    expect(onTrack).not.toContain('審議会の女性委員比率');
  });

  it('shows the expert evaluation by year for published years only, in both languages', async () => {
    const seen = visible(await text(planPage));
    expect(seen).toContain(`有識者からの評価 2024年（令和6年） ${EVALUATION_PUBLISHED}`);
    expect(seen).not.toContain(EVALUATION_UNPUBLISHED);
    expect(visible(await text(`${planPage}?lang=en`))).toContain(`Expert evaluation 2024 ${EVALUATION_PUBLISHED}`);
  });

  it('puts the override into the plan CSV and JSON and the evaluation into the API', async () => {
    const csv = await text(`${planPage}?format=csv`);
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['status', 'status_override', 'status_override_justification', 'status_override_decided_on']));
    const line = csv.split('\r\n').find((l) => l.includes(`,${OVERRIDDEN_KPI},`))!;
    expect(line).toContain(`,behind,on-track,${JUSTIFICATION},`);

    const page = (await json(`${planPage}?format=json`)) as { rows: Record<string, unknown>[] };
    const row = page.rows.find((r) => r['kpi_id'] === OVERRIDDEN_KPI)!;
    expect([row['status'], row['status_override'], row['status_override_justification']]).toEqual(['behind', 'on-track', JUSTIFICATION]);

    const api = (await json(`/api/v1/cities/${NOTES_CITY}/plans/${NOTES_PLAN}`)) as { rows: { id: string; status_override: unknown }[]; evaluations: { year: number | null; body: string }[] };
    expect(api.rows.find((r) => r.id === OVERRIDDEN_KPI)!.status_override).toMatchObject({ status: 'on-track', justification: JUSTIFICATION });
    expect(api.evaluations.map((e) => e.body)).toContain(EVALUATION_PUBLISHED);
    expect(api.evaluations.map((e) => e.body)).not.toContain(EVALUATION_UNPUBLISHED);
    expect(api.evaluations[0]).toMatchObject({ year: PUBLISHED_YEAR, body: EVALUATION_PUBLISHED });
  });
});

describe('city page and city downloads', () => {
  it('shows the override in the KPI list, in both languages', async () => {
    const html = await text(`/cities/${NOTES_CITY}`);
    const row = html.slice(html.lastIndexOf(`/kpis/${OVERRIDDEN_KPI}"`));
    expect(visible(row.slice(0, row.indexOf('</tr>')))).toMatch(/計算上の状況 △ 遅れ 事務局の判断 ○ 順調 理由：.*2024年度に委員改選/);
    const en = await text(`/cities/${NOTES_CITY}?lang=en`);
    const enRow = en.slice(en.lastIndexOf(`/kpis/${OVERRIDDEN_KPI}`));
    expect(visible(enRow.slice(0, enRow.indexOf('</tr>')))).toMatch(/Computed △ Behind Set by the secretariat ○ On track Justification: 2024年度に委員改選.*\(decided on \d{1,2} [A-Z][a-z]+ \d{4}\)/);
  });

  it('puts the override into the KPI CSV and JSON of the city, the API list and the archive', async () => {
    const csv = await text(`/cities/${NOTES_CITY}?format=csv`);
    expect(csv.split('\r\n').find((l) => l.includes(`,${OVERRIDDEN_KPI},`))).toContain(`,behind,on-track,${JUSTIFICATION},`);
    for (const path of [`/cities/${NOTES_CITY}/kpis?format=json`, `/api/v1/cities/${NOTES_CITY}/kpis`, `/api/v1/kpis?city=${NOTES_CITY}`]) {
      const list = (await json(path)) as { kpis: { id: string; status: string; status_override: { status: string } | null }[] };
      const k = list.kpis.find((x) => x.id === OVERRIDDEN_KPI)!;
      expect([k.status, k.status_override?.status], path).toEqual(['behind', 'on-track']);
      expect(list.kpis.filter((x) => x.status_override !== null).map((x) => x.id).sort(), path).toEqual([SECOND_OVERRIDDEN_KPI, OVERRIDDEN_KPI].sort());
    }
    const res = await app.request(`/cities/${NOTES_CITY}/download.zip`);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const kpis = JSON.parse(strFromU8(files[`${NOTES_CITY}/kpis.json`]!)) as Record<string, unknown>[];
    expect(kpis.find((k) => k['kpi_id'] === OVERRIDDEN_KPI)).toMatchObject({ status: 'behind', status_override: 'on-track', status_override_justification: JUSTIFICATION });
    const commentaries = JSON.parse(strFromU8(files[`${NOTES_CITY}/kpi-commentaries.json`]!));
    // Each row carries the 全国地方公共団体コード (自治体標準オープンデータセット, issue 15.3).
    expect(commentaries).toEqual([{ local_government_code: '032093', city_id: NOTES_CITY, kpi_id: OVERRIDDEN_KPI, year: PUBLISHED_YEAR, commentary: COMMENTARY_PUBLISHED }]);
    const evaluations = strFromU8(files[`${NOTES_CITY}/plan-evaluations.csv`]!);
    expect(evaluations).toContain(EVALUATION_PUBLISHED);
    expect(evaluations).not.toContain(EVALUATION_UNPUBLISHED);
    expect(strFromU8(files[`${NOTES_CITY}/README.txt`]!)).toContain('kpi-commentaries.csv / kpi-commentaries.json: 担当課による年度ごとのKPIコメント（公表済みの年度のみ）');
  });

  it('marks the override on the SDG goal pages and their CSV too', async () => {
    const csv = await text('/sdgs/2?format=csv');
    expect(csv.split('\r\n').find((l) => l.includes(`,${SECOND_OVERRIDDEN_KPI},`))).toContain(',on-track,behind,');
    const html = await text('/sdgs/2');
    const row = html.slice(html.indexOf(`/kpis/${SECOND_OVERRIDDEN_KPI}"`));
    expect(visible(row.slice(0, row.indexOf('</tr>')))).toContain(`計算上の状況 ○ 順調 事務局の判断 △ 遅れ 理由：${SECOND_JUSTIFICATION}`);
  });
});
