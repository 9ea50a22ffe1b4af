import { createHash } from 'node:crypto';
import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { tokyoYearOf } from '../core/time/clock.ts';
import { loadCityData, saveCityData } from '../cities/city-data.service.ts';
import { readKpiTableFileIsolated } from '../actuals/observation-import.isolated.ts';
import type { ImportFile, ImportFileError } from '../actuals/observation-import.service.ts';
import { publishDocumentedYears } from '../review/publication.service.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { isConcurrentWriteError } from '../storage/edit-version.ts';
import { buildKpiTableImport, type KpiTableImportPreview } from './kpi-table-import.ts';
import { readKpiTable } from './kpi-table.ts';
import { listArchivedOfCity } from './plan-building.repository.ts';
import { PLAN_ID_PATTERN } from './next-period.ts';

/** What {@link importKpiTable} needs. */
export interface ImportKpiTableProps {
  readonly cityId: string;
  /** The uploaded or named file (read in the import worker, never on the request thread). */
  readonly file: ImportFile;
  /** The plan to create or fill (see buildKpiTableImport). */
  readonly planId?: string | undefined;
  /** Preview only: nothing is written. */
  readonly dryRun: boolean;
  /** Who imports (kept with every version and change-log row). */
  readonly actor: string;
  /** Now (the app's clock): today's date and year in Asia/Tokyo. */
  readonly now: Date;
  readonly today: string;
}

export type ImportKpiTableResult =
  | { readonly ok: true; readonly preview: KpiTableImportPreview; readonly written: boolean }
  | { readonly ok: false; readonly kind: 'file'; readonly error: ImportFileError }
  | { readonly ok: false; readonly kind: 'unknown-city' }
  /** The plan id given is not an ASCII id (lower-case letters, digits, hyphens). */
  | { readonly ok: false; readonly kind: 'bad-plan-id'; readonly planId: string }
  /** The plan named (or `<city>-kpi-table`) is archived: restore it in the builder first; nothing written. */
  | { readonly ok: false; readonly kind: 'archived-plan'; readonly planId: string }
  | { readonly ok: false; readonly kind: 'conflict' };

/**
 * Imports a KPI table (issue 13.5): reads the file in the import worker (limits, zip guard,
 * CSV decoding of the observation import), reads the table (kpi-table.ts), and in one
 * repeatable-read transaction builds the change against the city as stored and — unless it is
 * a dry run or any row has a problem — saves it: plan, nodes, KPIs, baselines, targets, actuals,
 * the file's source document and its published rates, all or nothing; the years it documents
 * are published as for a plan data file (the table is the city's published sheet). The same
 * file again writes nothing. Signals the change once after a commit that changed something.
 */
export async function importKpiTable(db: Executor, signal: ChangeSignal, props: ImportKpiTableProps): Promise<ImportKpiTableResult> {
  if (props.planId !== undefined && !PLAN_ID_PATTERN.test(props.planId)) return { ok: false, kind: 'bad-plan-id', planId: props.planId };
  const read = await readKpiTableFileIsolated(props.file);
  if (!read.ok) return { ok: false, kind: 'file', error: read.error };
  const table = readKpiTable(read.rows, tokyoYearOf(props.now));
  // The table's content, not the file's bytes: a workbook saved again (new timestamps) is the same table.
  const fileHash = createHash('sha256').update(JSON.stringify({ title: table.title, period: table.period, sections: table.sections, rows: table.rows })).digest('hex');
  const layout = read.layoutProblems.map((p) => ({ sheet: p.sheet, row: p.row, column: p.column, kind: 'unreadable-number' as const, message: { ja: `他のブックを参照する数式です（${p.raw}）。値に置き換えてください`, en: `a formula referring to another workbook (${p.raw}): replace it with its value` } }));
  try {
    const result = await inTransaction(
      db,
      async (trx): Promise<ImportKpiTableResult> => {
        const data = await loadCityData(trx, props.cityId);
        if (!data) return { ok: false, kind: 'unknown-city' };
        const archived = await listArchivedOfCity(trx, props.cityId);
        const planId = props.planId ?? `${props.cityId}-kpi-table`;
        if (archived.plans.includes(planId)) return { ok: false, kind: 'archived-plan', planId };
        const built = buildKpiTableImport(data, { ...table, problems: [...layout, ...table.problems] }, { ...(props.planId && { planId: props.planId }), fileName: props.file.name, fileHash, today: props.today, archived, ownExport: read.ownExport });
        if (props.dryRun || !built.data || built.problems.length > 0 || !built.changes) return { ok: true, preview: built, written: false };
        await saveCityData(trx, built.data, props.actor, { reason: `KPI表の取込: ${props.file.name}` });
        await publishDocumentedYears(trx, props.cityId, props.actor);
        return { ok: true, preview: built, written: true };
      },
      { isolation: 'repeatable read' },
    );
    if (result.ok && result.written) signal.invalidate(props.cityId);
    return result;
  } catch (e) {
    if (isConcurrentWriteError(e)) return { ok: false, kind: 'conflict' };
    throw e;
  }
}
