import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KPI_PAGE_SOURCES, sourceFilesOf, sourceVersion } from './source-version.ts';

const SRC = fileURLToPath(new URL('.', import.meta.url));

describe('the version of the code that renders the kept KPI pages', () => {
  const files = sourceFilesOf(KPI_PAGE_SOURCES).map((f) => relative(SRC, f));

  it('follows the imports that run: the view, its frame, the catalogs, the number writer and the KPI maths', () => {
    for (const f of ['web/kpi-page-renderer.ts', 'web/views/kpi.view.tsx', 'web/views/layout.tsx', 'i18n/messages.ts', 'i18n/number-format.ts', 'core/kpi/achievement.ts']) expect(files).toContain(f);
  });

  it('leaves out what cannot change the page: the routes, the page cache, the commands, the migrations, and modules imported for their types only', () => {
    for (const f of ['web/page-cache.ts', 'web/routes/kpi.routes.tsx', 'kpis/kpi-edit.command.ts', 'storage/migrate.ts']) expect(files).not.toContain(f);
    expect(files.every((f) => !f.endsWith('.test.ts'))).toBe(true);
  });

  it('follows the code that builds the public view the pages are rendered from too (a fix to which actuals, years or KPIs the public sees changes the full path’s page at once, so the kept pages must go)', () => {
    const all = sourceFilesOf(KPI_PAGE_SOURCES).map((f) => relative(SRC, f));
    for (const f of ['web/kpi-page-renderer.ts', 'cities/city-data.service.ts', 'cities/city-data.support.ts', 'plans/archived-visibility.service.ts', 'review/review.repository.ts', 'review/publication.service.ts', 'cities/city-data.store.ts']) expect(all).toContain(f);
    // Migrations run before any process serves; one that changes public data marks the summaries stale like any write. The store is hashed alone (its load), not what it imports.
    for (const f of ['storage/migrate.ts', 'storage/migrations/2026_12_04_1101_kpi_page_summaries.ts', 'web/page-cache.ts', 'web/routes/kpi.routes.tsx', 'summaries/summary.service.ts', 'search/search.service.ts']) expect(all).not.toContain(f);
    expect(sourceVersion()).toBe(sourceVersion(KPI_PAGE_SOURCES));
    expect(sourceVersion()).not.toBe(sourceVersion('web/kpi-page-renderer.ts'));
  });

  it('is one stable value per process', () => {
    expect(sourceVersion()).toMatch(/^[\w-]{22}$/);
    expect(sourceVersion('web/page-cache.ts')).not.toBe(sourceVersion());
  });

  it('names the runtime too: numbers and dates are written by Intl, whose output the ICU and CLDR data of the Node.js release decide', () => {
    const runtime = { ...process.versions };
    expect(sourceVersion(KPI_PAGE_SOURCES, runtime)).toBe(sourceVersion());
    for (const part of ['node', 'icu', 'cldr', 'unicode', 'tz'] as const) {
      expect(sourceVersion(KPI_PAGE_SOURCES, { ...runtime, [part]: `${runtime[part] ?? ''}-other` }), part).not.toBe(sourceVersion());
    }
  });
});
