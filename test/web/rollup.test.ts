import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { importPlanDataFile } from '../../src/cities/plan-data-import.service.ts';
import { createApp } from '../../src/web/app.tsx';

// Spreadsheet case 20 (test/fixtures/spreadsheets/README.md): a goal with 3 KPIs at 90 % and a
// child policy whose 2 KPIs worsen. The goal's direct parts are 4, one of them worsening: not 悪化.
const CASE_20 = fileURLToPath(new URL('../fixtures/spreadsheets/20-rollup-nested-worsening.json', import.meta.url));

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: false, inMemory: true }, { announce: () => {} });
  const r = await importPlanDataFile(ctx.db, CASE_20, 'test');
  expect(r.ok).toBe(true);
  ctx.store.invalidate();
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

describe('roll-up over direct parts (issue 10.9, case 20)', () => {
  it('the plan page shows the goal on track, the policy worsening, and the rule with its parts and weights', async () => {
    const res = await app.request('/cities/rollup-test/plans/rollup-plan');
    expect(res.status).toBe(200);
    const html = await res.text();
    const goal = html.slice(html.indexOf('<section class="node depth-0"'), html.indexOf('<section class="node depth-1"'));
    const goalHeading = goal.slice(0, goal.indexOf('</h3>'));
    expect(goalHeading).toContain('<span class="badge badge-on-track"');
    expect(goalHeading).not.toContain('badge-worsening');
    const policy = html.slice(html.indexOf('<section class="node depth-1"'));
    expect(policy).toMatch(/<h4>施策1-1 <span class="badge badge-worsening"/);
    expect(html).toContain('この状況の集計方法');
    expect(html).toContain('悪化の重みが合計の半分以上なら「悪化」');
    expect(goal).toContain('加重平均 67.5%（想定 50.0%）、悪化の重み 1 / 4');
    expect(goal).toMatch(/<th scope="row">施策1-1 （施策）<\/th><td class="num">1<\/td><td><span class="badge badge-worsening"/);
  });

  it('the API gives each node its status, the direct parts with weights, and the rule', async () => {
    const res = await app.request('/api/v1/cities/rollup-test/plans/rollup-plan');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { nodes: { node: string; status: string; progress: number; worsening_weight: number; total_weight: number; parts: { kind: string; weight: number; status: string; counted: boolean }[]; rule: { method: string } }[] };
    const [goal, policy] = body.nodes;
    expect(goal).toMatchObject({ status: 'on-track', progress: 67.5, worsening_weight: 1, total_weight: 4 });
    expect(goal!.parts.map((p) => `${p.kind}:${p.status}:${p.weight}`)).toEqual(['kpi:on-track:1', 'kpi:on-track:1', 'kpi:on-track:1', 'node:worsening:1']);
    expect(goal!.rule.method).toBe('direct-parts-weighted-mean');
    expect(policy).toMatchObject({ status: 'worsening', progress: 0, worsening_weight: 2, total_weight: 2 });
  });
});

describe('roll-up in the CLI report (case 20)', () => {
  let dir: string;
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'], SEED: process.env['SEED'] };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'michishirube-rollup-'));
    process.env['DATA_DIR'] = join(dir, 'db');
    process.env['SEED'] = 'false';
    delete process.env['DATABASE_URL'];
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('imports the plan data file, then report prints each node with its roll-up status', async () => {
    const imported = await run('import', CASE_20);
    expect(imported.code).toBe(0);
    const r = await run('report', 'rollup-test', 'rollup-plan');
    expect(r.code).toBe(0);
    expect(r.out).toContain('■ 基本目標1 【順調 67.5%】');
    expect(r.out).toContain('■ 基本目標1 › 施策1-1 【悪化 0.0%】');
    const json = (await run('report', 'rollup-test', 'rollup-plan', '--json')).out.split('\n').map((l) => JSON.parse(l) as { node: string; node_status: string });
    expect(json.filter((x) => x.node === '基本目標1').every((x) => x.node_status === 'on-track')).toBe(true);
    expect(json.filter((x) => x.node === '施策1-1').every((x) => x.node_status === 'worsening')).toBe(true);
  });
});
