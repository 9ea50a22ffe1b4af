import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

/*
 * Hono's router pastes a parameter's pattern into one big regular expression: an alternation
 * written bare (`:action{archive|delete}`) splits that expression, so POST …/nodes/N/archive
 * matched the plan's route `/:city/plans/:plan/:action{…|archive|…}` and archived (or, with a
 * stale version, refused as a conflict) the plan instead of the node. Every alternation in a
 * route pattern is a group: `{(?:archive|delete)}`.
 */

/** Whether a pattern has a `|` outside every group (the bare alternation Hono mis-pastes). */
function topLevelAlternation(pattern: string): boolean {
  let depth = 0;
  for (const ch of pattern) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) return true;
  }
  return false;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.includes('.test.') ? [join(dir, e.name)] : []));
}

describe('route patterns', () => {
  it('group every alternation of a parameter pattern', () => {
    const bare: string[] = [];
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.(?:get|post|put|delete|all|on)\(\s*['`]([^'`]*)['`]/g)) {
        for (const p of m[1]!.matchAll(/:\w+\{([^}]*)\}/g)) if (topLevelAlternation(p[1]!)) bare.push(`${file}: ${m[1]}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('a grouped alternation matches only its own route (the router as the app uses it)', async () => {
    const app = new Hono();
    app.post('/:city/plans/:plan/:action{(?:reorder|archive|restore|delete)}', (c) => c.text(`plan ${c.req.param('action')}`));
    app.post('/:city/plans/:plan/nodes/:node/:action{(?:move|reorder|archive|restore|delete)}', (c) => c.text(`node ${c.req.param('node')} ${c.req.param('action')}`));
    const hit = async (path: string) => {
      const r = await app.request(path, { method: 'POST' });
      return r.status === 200 ? r.text() : r.status;
    };
    expect(await hit('/t/plans/p/archive')).toBe('plan archive');
    expect(await hit('/t/plans/p/nodes/n/archive')).toBe('node n archive');
    expect(await hit('/t/plans/p/nodes/n/delete')).toBe('node n delete');
    expect(await hit('/t/plans/p/xdelete')).toBe(404);
    expect(await hit('/t/plans/p/nodes/n/kpis/k/archive')).toBe(404);
  });
});
