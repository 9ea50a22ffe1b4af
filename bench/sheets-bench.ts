import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CityData } from '../src/core/city/city.ts';
import type { Kpi } from '../src/core/kpi/kpi.ts';
import type { Plan, PlanNode } from '../src/core/plan/plan.ts';
import { formatTimePointJa } from '../src/core/time/time-point.ts';
import { PdfPrinter } from '../src/formats/pdf/pdf-printer.ts';
import { progressSheetXlsxBuffer } from '../src/formats/xlsx/progress-sheet.xlsx.ts';
import { openAppContext } from '../src/app-context.ts';
import { saveCityData } from '../src/cities/city-data.service.ts';
import { commitObservationImport, previewObservationImport } from '../src/actuals/observation-import.service.ts';
import { buildProgressSheet } from '../src/sheets/progress-sheet.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { sheetFooter, sheetHtml } from '../src/web/views/sheet/render.ts';
import { findPostgresBinDir, startPostgresServer } from '../test/support/postgres-server.ts';

type Say = (name: string, value: number, unit: string, goal?: string) => void;

/** A synthetic city with `n` KPIs in an SDGs plan: 20 initiatives, three yearly actuals each. */
function syntheticCity(n: number): CityData {
  const kpis: Kpi[] = [];
  for (let i = 0; i < n; i++) {
    const b = 10 + (i % 90);
    kpis.push({
      id: `kpi-${i}`,
      cityId: 'benchville',
      name: `ベンチマーク指標 ${i}（年間）`,
      unit: i % 3 === 0 ? '%' : '件',
      sdgTargets: ['11.1', '17.17'],
      side: 'none',
      aggregation: 'per-year',
      method: 'progress-from-baseline',
      baseline: { at: { kind: 'year', year: 2020 }, value: b, decimals: 0 },
      observations: [2021, 2022, 2023].map((y, k) => ({ at: { kind: 'year', year: y } as const, value: b + (k + 1) * ((i % 7) + 1), decimals: 0 })),
      targets: [{ id: '2025', at: { kind: 'year', year: 2025 }, value: b + 40, decimals: 0, revisions: [] }],
    });
  }
  const initiatives: PlanNode[] = Array.from({ length: 20 }, (_, g) => ({
    id: `initiative-${g}`,
    kind: 'initiative',
    code: String(g + 1),
    title: `取組 ${g + 1}`,
    children: [],
    kpiRows: kpis.filter((_, i) => i % 20 === g).map((k, j) => ({ kpiId: k.id, no: String(g * 100 + j + 1), commentary: '進捗状況の説明。'.repeat(3), reflection: '引き続き進捗を確認する。' })),
  }));
  const plan: Plan = {
    id: 'benchville-sdgs',
    cityId: 'benchville',
    kind: 'sdgs-future-city',
    title: 'ベンチ市SDGs未来都市計画',
    periodStart: 2021,
    periodEnd: 2023,
    versions: [],
    nodes: [{ id: 'section-2', kind: 'section', code: '（２）', title: '自治体SDGsの推進に資する取組', children: initiatives, kpiRows: [] }],
    narratives: [],
  };
  return { city: { id: 'benchville', name: 'ベンチ市', nameEn: 'Benchville', prefecture: '架空県', prefectureEn: 'Nowhere' }, documents: [], kpis, plans: [plan], publishedRates: [] };
}

/**
 * 100,000 actuals of the synthetic city's KPIs, one per row, as the template CSV. Values from 1.5
 * up: a figure under 1 among larger ones of a % KPI is refused as ambiguous (0.5 % or 50 %?).
 */
function observationCsv(city: CityData, rows: number): string {
  const lines = ['指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典'];
  const n = city.kpis.length;
  for (let i = 0; i < rows; i++) {
    const k = city.kpis[i % n]!;
    const m = Math.floor(i / n);
    lines.push(`${k.id},,,${formatTimePointJa({ kind: 'month', year: 1990 + Math.floor(m / 12), month: (m % 12) + 1 })},${(i % 90) + 1.5},${k.unit},,`);
  }
  return lines.join('\n');
}

export async function benchSheets({ say, skip }: { say: Say; skip: (name: string, why: string) => void }): Promise<void> {
  const city = syntheticCity(300);
  const sheet = buildProgressSheet(city, city.plans[0]!, { kind: 'progress', year: 2023, generatedOn: '2025-01-01' });
  await progressSheetXlsxBuffer(sheet, 'ja'); // warm-up
  let start = performance.now();
  const xlsx = await progressSheetXlsxBuffer(sheet, 'ja');
  say('sheets.xlsx_300_kpis_seconds', (performance.now() - start) / 1000, 's', '< 1 s');
  say('sheets.xlsx_300_kpis_bytes', xlsx.length, 'bytes');
  const printer = new PdfPrinter();
  try {
    await printer.print('<p>warm-up</p>', { left: '', right: '' });
    start = performance.now();
    const pdf = await printer.print(await sheetHtml(sheet, 'ja'), sheetFooter(sheet, 'ja'));
    say('sheets.pdf_300_kpis_seconds', (performance.now() - start) / 1000, 's');
    say('sheets.pdf_300_kpis_bytes', pdf.length, 'bytes');
  } finally {
    await printer.close();
  }

  const dir = await mkdtemp(join(tmpdir(), 'michishirube-bench-'));
  try {
    const path = join(dir, 'observations.csv');
    await writeFile(path, observationCsv(city, 100_000));
    const runImport = async (db: Parameters<typeof saveCityData>[0], name: string, goal?: string) => {
      await saveCityData(db, city, 'bench');
      const t0 = performance.now();
      const preview = await previewObservationImport(db, { path, name: 'observations.csv', cityId: 'benchville' });
      const t1 = performance.now();
      const committed = await commitObservationImport(db, { path, name: 'observations.csv', cityId: 'benchville' }, { actor: 'bench', reason: 'bench' });
      const t2 = performance.now();
      if (!committed.ok && committed.error.kind === 'rows') console.error(JSON.stringify(committed.error.preview.problems.slice(0, 3)));
      if (!preview.ok || !committed.ok || committed.value.written !== 100_000) throw new Error('the bench import did not write 100,000 actuals');
      say(`${name}_preview_seconds`, (t1 - t0) / 1000, 's');
      say(`${name}_preview_and_commit_seconds`, (t2 - t0) / 1000, 's', goal);
      // The same file again: validated against 100,000 stored actuals, nothing written.
      const again = await commitObservationImport(db, { path, name: 'observations.csv', cityId: 'benchville' }, { actor: 'bench', reason: 'bench' });
      if (!again.ok || again.value.written !== 0) throw new Error('re-importing the bench file wrote something');
      say(`${name}_reimport_seconds`, (performance.now() - t2) / 1000, 's');
    };
    const ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: false, inMemory: true }, { announce: () => {} });
    try {
      await runImport(ctx.db, 'import.pglite_100k_rows', '< 10 s');
    } finally {
      await ctx.close();
    }
    if (!findPostgresBinDir()) {
      skip('import.postgres_100k_rows', 'no server');
      return;
    }
    const server = await startPostgresServer();
    try {
      const opened = await openDatabase({ databaseUrl: server.url });
      try {
        await migrateToLatest(opened.db);
        await runImport(opened.db, 'import.postgres_100k_rows');
      } finally {
        await opened.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
