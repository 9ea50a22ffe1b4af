import { expect, it } from 'vitest';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { StaffClient } from './staff-helpers.ts';

/*
 * Issue 13 (gap 5): the staff KPI forms set every metadata field the public pages show about a
 * KPI — definition, data source, data provider, update frequency, and the indicator code used to
 * compare KPIs across cities — at creation and in the edit form, validated (a code that is not
 * one is refused at its field) and audited old → new. On PGlite and PostgreSQL.
 */

describeStaffApp('KPI metadata in the staff forms', [['md-sec', 'tsukuba', 'secretariat']], (app) => {

  it('creates a KPI with every metadata field, edits each, refuses a bad indicator code, and the public page shows them', async () => {
    const a = new StaffClient(app().app);
    await a.login('md-sec');
    const plan = (await app().ctx.store.getStaff('tsukuba'))!.data.plans[0]!;
    const page = `/staff/cities/tsukuba/plans/${plan.id}`;
    const node = plan.nodes[0]!;
    const action = `${page}/nodes/${node.id}/kpis/new`;
    const kpi = {
      kpiId: 'md-waste', name: '一人一日当たりごみ排出量', unit: 'g', side: 'environment', aggregation: 'snapshot', direction: 'down', method: 'progress-from-baseline', baselineAt: '2020年度', baselineValue: '900', targets: '2025年度 850',
      definition: '家庭系と事業系のごみ総排出量÷人口÷日数', dataSource: '一般廃棄物処理実態調査', dataProvider: '環境省', updateFrequency: 'yearly', indicator: '12.5.1',
    };
    // The create form offers every field.
    const opened = await a.get(page);
    for (const name of ['definition', 'dataSource', 'dataProvider', 'updateFrequency', 'indicator']) expect(opened.text).toContain(`name="${name}"`);
    const bad = await a.submit(page, action, { ...kpi, indicator: '12.5.1 ごみ' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('指標コードは半角英数字');
    expect(bad.text).toContain('value="一人一日当たりごみ排出量"');
    expect((await a.submit(page, action, kpi)).status).toBe(303);
    const row = (await findKpiBySlug(app().ctx.db, 'tsukuba', 'md-waste'))!;
    expect({ definition: row.definition, source: row.data_source, provider: row.data_provider, frequency: row.update_frequency, indicator: row.indicator_code }).toEqual({ definition: kpi.definition, source: kpi.dataSource, provider: '環境省', frequency: 'yearly', indicator: '12.5.1' });

    // The edit form shows and changes each, audited old → new.
    const kpiPage = '/staff/cities/tsukuba/kpis/md-waste';
    const edit = await a.get(kpiPage);
    for (const name of ['definition', 'dataSource', 'dataProvider', 'updateFrequency', 'indicator']) expect(edit.text).toContain(`name="${name}"`);
    expect(edit.text).toContain('value="12.5.1"');
    expect((await a.submit(kpiPage, `${kpiPage}/edit`, { indicator: 'not a code!' })).status).toBe(422);
    const saved = await a.submit(kpiPage, `${kpiPage}/edit`, { dataProvider: 'つくば市環境政策課', updateFrequency: 'monthly', indicator: '11.6.1', dataSource: '市の集計' });
    expect(saved.status).toBe(303);
    const after = (await findKpiBySlug(app().ctx.db, 'tsukuba', 'md-waste'))!;
    expect({ provider: after.data_provider, frequency: after.update_frequency, indicator: after.indicator_code, source: after.data_source }).toEqual({ provider: 'つくば市環境政策課', frequency: 'monthly', indicator: '11.6.1', source: '市の集計' });
    const log = await app().ctx.db.selectFrom('change_log').selectAll().where('city_id', '=', 'tsukuba').where('entity', '=', 'kpi').where('entity_id', '=', 'md-waste').where('action', '=', 'update').execute();
    expect(log).toHaveLength(1);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    expect(parse(log[0]!.old)).toEqual({ dataSource: '一般廃棄物処理実態調査', dataProvider: '環境省', updateFrequency: 'yearly', indicator: '12.5.1' });
    expect(parse(log[0]!.new)).toEqual({ dataSource: '市の集計', dataProvider: 'つくば市環境政策課', updateFrequency: 'monthly', indicator: '11.6.1' });
    // The public 「この指標について」 shows what the secretariat set.
    const publicPage = await app().app.request('/cities/tsukuba/kpis/md-waste');
    const html = await publicPage.text();
    expect(publicPage.status).toBe(200);
    for (const text of ['家庭系と事業系のごみ総排出量÷人口÷日数', '市の集計', 'つくば市環境政策課']) expect(html).toContain(text);
    // Emptied: not stated.
    expect((await a.submit(kpiPage, `${kpiPage}/edit`, { dataProvider: '', updateFrequency: '', indicator: '' })).status).toBe(303);
    const cleared = (await findKpiBySlug(app().ctx.db, 'tsukuba', 'md-waste'))!;
    expect([cleared.data_provider, cleared.update_frequency, cleared.indicator_code]).toEqual([null, null, null]);
  }, 120_000);
});
