import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findSqlOutsideRepositories } from '../../scripts/boundaries/sql-scan.ts';

/*
 * The boundary lint (`npm run lint:boundaries`, .dependency-cruiser.cjs) run over a fixture tree
 * with one violation of each rule and the allowed cases beside them: the lint must name exactly
 * the violations (a lint that never fails would pass `npm test` silently).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/boundaries', import.meta.url));

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

async function cruiseFixture(): Promise<Violation[]> {
  const bin = `${root}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'json', 'src/**/*.{ts,tsx}'], { cwd: fixture, maxBuffer: 32 * 1024 * 1024 });
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } catch (e) {
    // depcruise exits non-zero when it finds violations; its JSON is on stdout all the same.
    const stdout = (e as { stdout?: string }).stdout;
    if (!stdout) throw e;
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  }
}

describe('the boundary lint', () => {
  it('names each violation of the fixture and nothing allowed', async () => {
    const found = (await cruiseFixture()).map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`).sort();
    expect(found).toEqual(
      [
        'core-does-no-io: src/core/impure.ts → fs',
        'core-imports-nothing: src/core/impure.ts → src/storage/thing.repository.ts',
        'no-circular: src/cycle/a.ts → src/cycle/b.ts',
        'only-repositories-hold-sql: src/services/sql.service.ts → node_modules/kysely/dist/esm/index.js',
        'routes-never-import-persistence: src/web/routes/bad.routes.ts → src/storage/thing.repository.ts',
        'routes-never-import-persistence: src/web/routes/rows.routes.ts → src/storage/tables/thing.table.ts',
        'views-receive-view-models: src/web/views/bad.view.tsx → src/storage/tables/thing.table.ts',
      ].sort(),
    );
  }, 120_000);

  it('finds queries built outside a repository, with or without an import of kysely, and not in comments', () => {
    expect(findSqlOutsideRepositories(fixture).map((f) => `${f.file}:${f.line}`)).toEqual(['src/services/query.service.ts:6', 'src/services/sql.service.ts:5']);
  });
});
