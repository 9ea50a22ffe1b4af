import { stat } from 'node:fs/promises';
import type { CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { isNotAvailable, kpiNameKey, normalizeNotation, normalizeUnit, parseFigure, parseSdgTargetList, parseTimePoint, parseTimePointNoted } from '../core/notation/index.ts';
import { decimalsOf } from '../core/quantity.ts';
import { controlCharacterIn, TEXT_LIMITS } from '../core/text.ts';
import { formatTimePointIso, formatTimePointJa, type TimePoint } from '../core/time/time-point.ts';
import { LOOKED_FOR_HEADINGS, type ClosestRow, type RawCell, type RawObservationRow } from '../formats/csv/observation-rows.ts';
import type { TextEncoding } from '../formats/csv/decode-text.ts';
import type { ZipGuardError } from '../formats/xlsx/zip-guard.ts';
import type { Lang } from '../i18n/lang.ts';
import { fillMessage } from '../i18n/fill.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { listKpiRows, lockKpisForKeyShare } from '../kpis/kpi.repository.ts';
import type { ObservationChange } from '../actuals/observation.repository.ts';
import { validateActualsYielding, type ActualContext, type ActualField, type ActualInput, type ActualProblem, type ValidActual } from '../actuals/actual-input.ts';
import { actualContexts, writeValidatedActuals, type ChangeSignal } from '../actuals/record-actual.command.ts';

import { loadCityData } from '../cities/city-data.service.ts';
import { readImportFileIsolated } from './observation-import.isolated.ts';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, type ImportRead, type ImportReadResult } from './observation-import.read.ts';
import type { BilingualText } from '../core/bilingual.ts';
import { err, ok, type Result } from '../core/result.ts';

/** The preview's stand-in for the import's reason (the commit gives the real one): corrections are not refused for lacking one. */
const PREVIEW_REASON = 'import';

export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS };

/** Why a whole file is refused: nothing in it is looked at further. */
export type ImportFileError =
  | { readonly kind: 'empty-file' }
  | { readonly kind: 'too-large'; readonly bytes: number; readonly limit: number }
  | { readonly kind: 'unsupported-type'; readonly name: string }
  | { readonly kind: 'not-xlsx' }
  | { readonly kind: 'zip-bomb'; readonly detail: string }
  | { readonly kind: 'corrupt-xlsx'; readonly detail: string }
  | { readonly kind: 'no-data'; readonly found: readonly string[]; readonly closest?: ClosestRow }
  | { readonly kind: 'unreadable-csv'; readonly line: number; readonly message: string }
  | { readonly kind: 'too-many-rows'; readonly limit: number }
  | { readonly kind: 'unknown-city'; readonly cityId: string }
  | { readonly kind: 'city-mismatch'; readonly fileCity: string; readonly cityId: string }
  /** What the workbook guard refuses as hostile (formats/xlsx/zip-guard.ts), the same shapes. */
  | Extract<ZipGuardError, { readonly kind: 'macro-enabled' | 'calls-out' | 'xml-doctype' | 'xml-too-deep' | 'too-many-shared-strings' | 'too-many-cells' | 'too-many-columns' }>
  /** `place`: the first cell past the limit (`sheet1!G2`, or `AMK2` in a CSV). */
  | { readonly kind: 'cell-too-long'; readonly place: string; readonly limit: number }
  /** Reading needed more memory (MB) or time (s) than a file may take; the server carries on. */
  | { readonly kind: 'read-limit'; readonly what: 'memory' | 'time'; readonly limit: number };

export type ImportProblemKind =
  | 'unknown-kpi'
  | 'unknown-sdg-target'
  | 'sdg-targets-differ'
  | 'unreadable-date'
  | 'text-in-number-cell'
  | 'missing-value'
  | 'unit-mismatch'
  | 'duplicate-row'
  | 'percentage-out-of-range'
  | 'merged-cells'
  | 'external-reference'
  | 'not-importable-change'
  | 'kpi-not-permitted'
  | 'text-too-long'
  | 'control-character'
  /** A bidi override or isolate, a zero-width or other invisible format character in a text cell (core/text.ts). */
  | 'invisible-character'
  /** A fraction (0.901) typed for a percentage KPI whose figures are all above 1: 0.901 % or 90.1 %? */
  | 'percent-as-fraction'
  /** A formula whose result was never saved: the cell has no value to import. */
  | 'formula-without-result'
  /** A KPI the partner platform counts, entered without a reason for overriding the count. */
  | 'platform-fed'
  /** The value turns the KPI's status to behind or worsening and the 説明 column is empty. */
  | 'explanation-required'
  | 'invalid-text';

/** One problem of one cell: where, what it holds, and what is wrong (both languages). */
export interface ImportProblem {
  readonly kind: ImportProblemKind;
  readonly sheet?: string;
  readonly row: number;
  /** Column letter. */
  readonly column: string;
  /** The column's heading as written in the file, when the reader knows it. */
  readonly heading?: string;
  readonly raw: string;
  readonly message: BilingualText;
}

/** A bilingual note on a row: what the reader interpreted (a percent cell, a date cell, 約, an era year). */
export interface ImportNote {
  readonly ja: string;
  readonly en: string;
}

/** What the import does with one row without a problem: the contract of `import --dry-run --json` and the web preview. */
export interface ImportRowResult {
  readonly sheet?: string;
  readonly row: number;
  readonly kpiId: string | null;
  readonly at: TimePoint | null;
  readonly value: number | null;
  readonly unit: string;
  /** `skipped`: a placeholder row (「－」「集計中」), listed with a notice; nothing is written for it. */
  readonly action: 'new' | 'correction' | 'unchanged' | 'skipped';
  readonly notes: readonly ImportNote[];
}

/** An actual the import would write: new, or a correction of the stored one. */
export interface ImportChange {
  readonly kind: 'new' | 'correct';
  readonly kpiId: string;
  readonly kpiName: string;
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals: number;
  readonly unit: string;
  readonly before: number | null;
  readonly sheet?: string;
  readonly row: number;
  /** For the storage: the KPI's row id, note and source kept or replaced. */
  readonly change: ObservationChange;
  /** The row as the one actual command takes it (src/actuals/record-actual.command.ts). */
  readonly input: ActualInput;
  /** What the one validator made of it (the commit writes this). */
  readonly valid: ValidActual;
}

/** Everything the preview shows: the format, every problem, every change, how many rows change nothing. */
export interface ImportPreview {
  readonly cityId: string;
  readonly format: 'sheet' | 'template' | 'csv';
  readonly encoding?: TextEncoding;
  readonly rows: number;
  readonly problems: readonly ImportProblem[];
  readonly changes: readonly ImportChange[];
  readonly unchanged: number;
  /** Every row without a problem, in file order, with its action and notes. */
  readonly results: readonly ImportRowResult[];
}

/** What a preview found in the file, or why the whole file is refused. */
export type PreviewResult = Result<ImportPreview, ImportFileError>;

/** What an import file is, given by the caller: its path on disk and the name it was uploaded or given with. */
export interface ImportFile {
  readonly path: string;
  readonly name: string;
  /** The city the import is for; the CLI may leave it to the workbook's properties. */
  readonly cityId?: string;
}

/** What the importing user may change: actuals of the KPIs this allows (all when absent, as for the CLI). */
export interface ImportPermissions {
  /** Whether the user may enter actuals of this KPI (a department editor: its department's KPIs). */
  readonly mayEditKpi?: (kpi: Kpi) => boolean;
}

/**
 * Step 1 of an import: reads the file (the exported sheet, the template as .xlsx or .csv, a CSV
 * in UTF-8 or Shift_JIS), validates every row against the stored KPIs and lists every problem
 * and every change. Writes nothing.
 */
export async function previewObservationImport(db: Executor, file: ImportFile, permissions: ImportPermissions = {}): Promise<PreviewResult> {
  const read = await readImportFileOnce(file);
  if (!read.ok) return err(read.error);
  const cityId = file.cityId ?? read.cityId;
  if (!cityId) return err({ kind: 'unknown-city', cityId: '' });
  if (file.cityId && read.cityId && read.cityId !== file.cityId) return err({ kind: 'city-mismatch', fileCity: read.cityId, cityId: file.cityId });
  const data = await loadCityData(db, cityId);
  if (!data) return err({ kind: 'unknown-city', cityId });
  const kpiRowIds = new Map((await listKpiRows(db, cityId)).map((k) => [k.slug, k.id]));
  return ok(await validate(data, kpiRowIds, read, permissions, await actualContexts(db, cityId), PREVIEW_REASON));
}

/** A committed import: what was written (the preview as validated in the transaction) and how many actuals. */
export interface ImportCommitted {
  readonly preview: ImportPreview;
  readonly written: number;
}

/**
 * Why an import wrote nothing: the whole file is refused (`file`), or rows have problems
 * (`rows`: the preview, validated against the data as it is now, lists them).
 */
export type ImportRefusal = { readonly kind: 'file'; readonly file: ImportFileError } | { readonly kind: 'rows'; readonly preview: ImportPreview };

/** The outcome of a commit (core/result.ts). */
export type CommitResult = Result<ImportCommitted, ImportRefusal>;

/**
 * Step 2: validates the file again against the data as it is now, inside one transaction, and
 * writes every change through `recordObservations` (versions with actor and reason, change log),
 * or nothing when any problem remains. Importing the same file again writes nothing.
 */
export async function commitObservationImport(db: Executor, file: ImportFile, meta: { actor: string; reason: string }, permissions: ImportPermissions = {}, signal: ChangeSignal = { invalidate: () => {} }): Promise<CommitResult> {
  const read = await readImportFileOnce(file);
  if (!read.ok) return err({ kind: 'file', file: read.error });
  return inTransaction(db, async (trx): Promise<CommitResult> => {
    const cityId = file.cityId ?? read.cityId;
    if (!cityId) return err({ kind: 'file', file: { kind: 'unknown-city', cityId: '' } });
    // KPIs deleted at the same moment are waited for and then unknown rows of the file, never a foreign-key failure.
    await lockKpisForKeyShare(trx, cityId);
    const data = await loadCityData(trx, cityId);
    if (!data) return err({ kind: 'file', file: { kind: 'unknown-city', cityId } });
    const kpiRowIds = new Map((await listKpiRows(trx, cityId)).map((k) => [k.slug, k.id]));
    const preview = await validate(data, kpiRowIds, read, permissions, await actualContexts(trx, cityId), meta.reason);
    if (preview.problems.length > 0) return err({ kind: 'rows', preview });
    // Validated by the one validator in this transaction: the command's write half appends the
    // versions, review steps and change log.
    const written = await writeValidatedActuals(trx, signal, { cityId, actor: meta.actor, reason: meta.reason }, preview.changes.map((c) => c.valid));
    return ok({ preview, written });
  });
}

/**
 * Read results kept between the preview, the problems list and the commit of the same file, so
 * a file is parsed once (re-opening a preview parsed it again). Keyed by the file's path, size,
 * modification time and inode: a changed file is read again. At most {@link READ_CACHE_ROWS}
 * rows in all and {@link READ_CACHE_MS} old; the oldest go first.
 */
const readCache = new Map<string, { readonly path: string; readonly at: number; readonly rows: number; readonly result: Promise<ImportReadResult> }>();
/** Rows the cache holds at most (each ~1 kB): two 100,000-row files. */
const READ_CACHE_ROWS = 200_000;
/** As long as a kept upload lives (observation-import.uploads.ts). */
const READ_CACHE_MS = 30 * 60 * 1000;

/** The file's rows, from the cache or read in a worker (observation-import.isolated.ts). */
async function readImportFileOnce(file: ImportFile): Promise<ImportReadResult> {
  const s = await stat(file.path).catch(() => null);
  if (!s) return { ok: false, error: { kind: 'empty-file' } };
  const key = [file.path, file.name, s.size, s.mtimeMs, s.ino].join('\u0000');
  const now = Date.now();
  for (const [k, v] of readCache) if (now - v.at > READ_CACHE_MS) readCache.delete(k);
  const hit = readCache.get(key);
  if (hit) return hit.result;
  const result = readImportFileIsolated(file);
  const entry = { path: file.path, at: now, rows: 0, result };
  readCache.set(key, entry);
  const r = await result;
  if (readCache.get(key) === entry) readCache.set(key, { ...entry, rows: r.ok ? r.rows.length : 0 });
  let total = 0;
  for (const v of readCache.values()) total += v.rows;
  for (const [k, v] of readCache) {
    if (total <= READ_CACHE_ROWS || k === key) break;
    readCache.delete(k);
    total -= v.rows;
  }
  return r;
}

/** Forgets what was read from the file at `path` (its upload was committed or discarded). */
export function forgetImportRead(path: string): void {
  for (const [k, v] of readCache) if (v.path === path) readCache.delete(k);
}

/**
 * Checks every row against the city's KPIs and turns the good ones into changes. What a file
 * alone can get wrong (an unknown KPI, a cell's format or formula, SDG targets, a changed
 * 当初値/目標値, a duplicate row) is checked here, and the cells are read as the file shows them
 * (a date cell, a percent cell, a bare year under 「年度」); the actual itself (figure against the
 * KPI, unit, range, texts, platform feed, explanation, new or correction) by the one validator
 * every path uses (src/actuals/actual-input.ts).
 */
async function validate(data: CityData, kpiRowIds: ReadonlyMap<string, number>, read: ImportRead, permissions: ImportPermissions, contextOf: (kpi: Kpi) => ActualContext, reason: string | null): Promise<ImportPreview> {
  const kpis = new Map(data.kpis.map((k) => [k.id, k]));
  // Names as files type them: NFKC, brackets and case folded (「（年間）」 is 「(年間)」, ＳＤＧｓ is SDGs).
  const byName = new Map<string, Kpi[]>();
  for (const k of data.kpis) byName.set(kpiNameKey(k.name), [...(byName.get(kpiNameKey(k.name)) ?? []), k]);
  const problems: ImportProblem[] = [...read.layoutProblems];
  const changes: ImportChange[] = [];
  const results: ImportRowResult[] = [];
  const items: { kpi: Kpi; input: ActualInput; context: ActualContext; row: RawObservationRow; notes: ImportNote[] }[] = [];
  // A file repeats the same time points, figures and KPIs on many rows: each is parsed or indexed once.
  const timePoints = memo((raw: string) => parseTimePointNoted(raw));
  const figures = memo((key: string) => {
    const [unit, raw] = key.split('\u0000') as [string, string];
    return parseFigure(raw, { expectedUnit: unit });
  });
  const nameKey = memo((name: string) => kpiNameKey(name));
  const onlyWholePercents = memo((k: Kpi) => [k.baseline.value, ...k.targets.map((t) => t.value), ...k.observations.map((o) => o.value)].every((v) => Math.abs(v) > 1));
  let n = 0;
  for (const r of read.rows) {
    if (++n % 2000 === 0) await new Promise((res) => setImmediate(res));
    const place = (cell: RawCell | undefined) => `${r.sheet ? `${r.sheet}!` : ''}${cell?.column ?? ''}${r.row}`;
    const problem = (kind: ImportProblemKind, cell: RawCell | undefined, ja: string, en: string) =>
      problems.push({ kind, ...(r.sheet ? { sheet: r.sheet } : {}), row: r.row, column: cell?.column ?? '', ...(cell?.heading ? { heading: cell.heading } : {}), raw: cell?.raw ?? '', message: { ja, en } });
    const notes: ImportNote[] = [];
    // A formula never calculated (written by a program, never opened in Excel) has no figure to
    // read in any mapped column: say so and name the cell, whichever column it is in (指標ID too,
    // which would otherwise be an unknown KPI with an empty cell).
    const uncalculated = [...Object.values(r.cells), ...(r.checks ?? []).flatMap((c) => [c.at, c.value])].filter((c): c is RawCell => c?.noCachedResult === true);
    for (const cell of uncalculated) problem('formula-without-result', cell, ...formulaMessage(place(cell), cell.formula));
    const { kpi: idCell, name: nameCell } = r.cells;
    // No KPI to name when the cell that identifies it is the uncalculated one.
    if ((!idCell || idCell.raw === '') && (!nameCell || nameCell.raw === '') && uncalculated.some((c) => c === idCell || c === nameCell)) continue;
    let kpi: Kpi | undefined;
    if (idCell && idCell.raw !== '') kpi = kpis.get(idCell.raw.normalize('NFKC').trim());
    else if (nameCell && nameCell.raw !== '') {
      const found = byName.get(nameKey(nameCell.raw.split('\n')[0]!)) ?? byName.get(nameKey(nameCell.raw)) ?? [];
      if (found.length === 1) kpi = found[0];
    }
    if (!kpi) {
      const cell = idCell && idCell.raw !== '' ? idCell : nameCell;
      problem('unknown-kpi', cell, `この都市に該当する指標がありません（指標IDまたは指標名を確認してください）`, `no KPI of this city matches (check the KPI id or name)`);
      continue;
    }
    let bad = uncalculated.length > 0;
    const atCell = r.cells.at;
    let at: TimePoint | null = null;
    if (atCell?.noCachedResult) {
      // Reported above with the other uncalculated formulas.
    } else if (atCell?.displayProblem) {
      problem('unreadable-date', atCell, atCell.displayProblem.ja, atCell.displayProblem.en);
      bad = true;
    } else {
      // Under a 「年度」 heading a bare year is a fiscal year; the heading never turns 年度 into 年.
      const text = atCell && atCell.yearKind === 'fiscal-year' && /^\d{4}$/.test(normalizeNotation(atCell.raw)) ? `${normalizeNotation(atCell.raw)}年度` : atCell?.raw;
      const parsed = atCell && text && text !== '' ? timePoints(text) : null;
      if (!parsed || !parsed.ok) {
        const serial = atCell && /^\d{5}(\.\d+)?$/.test(atCell.raw) ? Number(atCell.raw) : NaN;
        const hint = serial > 20000 && serial < 80000 ? { ja: `（Excelの日付のシリアル値のようです。セルの書式を日付にするか「2024年3月」のように入力してください）`, en: ` (this looks like an Excel date serial: give the cell a date format or type the time point as 2024年3月)` } : { ja: '', en: '' };
        // The validator's own words (src/actuals/actual-input.ts): the form and the API say the same.
        if (parsed) problem('unreadable-date', atCell, fillMessage(t('ja', 'actual.problem.unreadable-date'), { detail: parsed.error.messageJa + hint.ja }), fillMessage(t('en', 'actual.problem.unreadable-date'), { detail: parsed.error.message + hint.en }));
        else problem('unreadable-date', atCell, fillMessage(t('ja', 'actual.problem.required'), { field: t('ja', 'actual.field.at') }), fillMessage(t('en', 'actual.problem.required'), { field: t('en', 'actual.field.at') }));
        bad = true;
      } else {
        at = parsed.value.point;
        notes.push(...parsed.value.notes.map(({ ja, en }) => ({ ja, en })));
        if (atCell?.shownAs === 'date') {
          const shown = atCell.shown ?? atCell.raw;
          notes.push({ ja: `日付セル（表示「${shown}」）を表示どおり${formatTimePointJa(at)}として読みました`, en: `a date cell shown as "${shown}" read as displayed: ${formatTimePointIso(at)}` });
        }
      }
    }
    const valueCell = r.cells.value;
    // 「－」「集計中」: no figure yet. The row is listed as skipped; the rest of the file imports.
    if (valueCell && valueCell.number === undefined && !valueCell.noCachedResult && valueCell.raw !== '' && isNotAvailable(normalizeNotation(valueCell.raw))) {
      if (!bad) {
        results.push({
          ...(r.sheet ? { sheet: r.sheet } : {}),
          row: r.row,
          kpiId: kpi.id,
          at,
          value: null,
          unit: kpi.unit,
          action: 'skipped',
          notes: [...notes, { ja: `値「${valueCell.raw}」は数値なしのため、この行は取り込みません`, en: `the value "${valueCell.raw}" means no figure: this row is skipped` }],
        });
      }
      continue;
    }
    let value: number | null = null;
    let decimals = 0;
    if (valueCell?.noCachedResult) {
      // Reported above with the other uncalculated formulas.
    } else if (!valueCell || (valueCell.raw === '' && valueCell.number === undefined)) {
      problem('missing-value', valueCell, '値が空です', 'the value is empty');
      bad = true;
    } else if (valueCell.number !== undefined) {
      value = valueCell.number;
      decimals = valueCell.decimals ?? decimalsOf(value);
      if (valueCell.shownAs === 'percent') {
        if (!isPercent(kpi.unit)) {
          problem('unit-mismatch', valueCell, `パーセント表示のセル（${value}%）ですが、この指標の単位は「${kpi.unit}」です`, `a percent-formatted cell (${value}%) for a KPI in "${kpi.unit}"`);
          bad = true;
        } else notes.push({ ja: `パーセント表示のセル（表示「${value.toFixed(decimals)}%」、セルの値 ${Number((value / 100).toPrecision(12))}）を ${value.toFixed(decimals)} % として読みました`, en: `a percent-formatted cell (shown ${value.toFixed(decimals)}%, stored ${Number((value / 100).toPrecision(12))}) read as ${value.toFixed(decimals)} %` });
      } else if (valueCell.shownAs === 'literal-percent') {
        // The format prints a % after the number as stored (「0.0"%"」「0.0\%」): 0.8 shows 「0.8%」, never 80 %.
        if (!isPercent(kpi.unit)) {
          problem('unit-mismatch', valueCell, `セルの表示「${valueCell.raw}」は % ですが、この指標の単位は「${kpi.unit}」です`, `the cell shows "${valueCell.raw}", in %, for a KPI in "${kpi.unit}"`);
          bad = true;
        } else notes.push({ ja: `セルの表示「${valueCell.raw}」（書式の % は文字で、値は100倍されません）を ${value.toFixed(decimals)} % として読みました`, en: `the cell shows "${valueCell.raw}" (its format prints % as text; the value is not multiplied by 100): read as ${value.toFixed(decimals)} %` });
      }
    } else {
      const q = figures(`${kpi.unit}\u0000${valueCell.raw}`);
      if (q.ok) {
        value = q.value.value;
        decimals = q.value.decimals;
        notes.push(...q.value.notes.map(({ ja, en }) => ({ ja, en })));
      } else {
        const kind: ImportProblemKind = q.error.kind === 'unit-mismatch' ? 'unit-mismatch' : q.error.kind === 'empty' || q.error.kind === 'not-available' ? 'missing-value' : 'text-in-number-cell';
        // The validator's own words (src/actuals/actual-input.ts): the form and the API say the same.
        // The unit as read (「人」 of 「1万人」), not the whole figure.
        const unit = q.error.unit ?? valueCell.raw;
        if (kind === 'unit-mismatch') problem(kind, valueCell, fillMessage(t('ja', 'actual.problem.unit-mismatch'), { unit, kpiUnit: kpi.unit }), fillMessage(t('en', 'actual.problem.unit-mismatch'), { unit, kpiUnit: kpi.unit }));
        else problem(kind, valueCell, fillMessage(t('ja', 'actual.problem.unreadable-value'), { detail: q.error.messageJa }), fillMessage(t('en', 'actual.problem.unreadable-value'), { detail: q.error.message }));
        bad = true;
      }
    }
    // 0.901 for a percentage KPI whose figures are all above 1: 0.901 % or 90.1 %? Ask, never guess.
    if (value !== null && value !== 0 && Math.abs(value) < 1 && valueCell && valueCell.shownAs !== 'percent' && valueCell.shownAs !== 'literal-percent' && isPercent(kpi.unit) && onlyWholePercents(kpi) && !normalizeNotation(valueCell.raw).includes('%')) {
      const as100 = Number((value * 100).toPrecision(12));
      problem(
        'percent-as-fraction',
        valueCell,
        `「${valueCell.raw}」は ${value} % ですか、それとも ${as100} % ですか（この指標の値はすべて1を超えています）。${as100} % なら「${as100}」、${value} % なら「${valueCell.raw}%」と書いてください`,
        `is "${valueCell.raw}" ${value} % or ${as100} % (this KPI's figures are all above 1)? Write "${as100}" for ${as100} %, or "${valueCell.raw}%" for ${value} %`,
      );
      bad = true;
    }
    const sdgCell = r.cells.sdgTargets;
    if (sdgCell && sdgCell.raw !== '') {
      const ids = parseSdgTargetList(sdgCell.raw);
      if (!ids.ok) {
        problem('unknown-sdg-target', sdgCell, ids.error.messageJa, ids.error.message);
        bad = true;
      } else if ([...ids.value].sort().join(',') !== [...kpi.sdgTargets].sort().join(',')) {
        problem('sdg-targets-differ', sdgCell, `SDGターゲットが登録内容（【${kpi.sdgTargets.join(',')}】）と異なります。ターゲットの変更は計画データで行ってください`, `the SDG targets differ from the stored ones (${kpi.sdgTargets.join(', ') || 'none'}); change targets in the plan data`);
        bad = true;
      }
    }
    for (const check of r.checks ?? []) {
      const stored = check.what === 'baseline' ? kpi.baseline : kpi.targets.find((t) => formatTimePointIso(t.at) === (parseTimePoint(check.at.raw).ok ? formatTimePointIso((parseTimePoint(check.at.raw) as { value: TimePoint }).value) : ''));
      const sameValue = stored && check.value.number !== undefined && Math.abs(stored.value - check.value.number) < 1e-9;
      if (check.what === 'baseline' ? !sameValue : check.value.number !== undefined && !kpi.targets.some((t) => Math.abs(t.value - check.value.number!) < 1e-9 || t.revisions.some((x) => Math.abs(x.oldValue - check.value.number!) < 1e-9))) {
        const what = check.what === 'baseline' ? ['当初値', 'baseline'] : ['目標値', 'target'];
        problem('not-importable-change', check.value, `${what[0]}の変更は取り込めません（実績だけを取り込みます）。${what[0]}は計画データで変更してください`, `a changed ${what[1]} is not imported (only actuals are); change it in the plan data`);
        bad = true;
      }
    }
    if (bad || value === null || !at) continue;
    const input: ActualInput = {
      at: { point: at },
      value: { number: value, decimals },
      unit: r.cells.unit?.raw ?? null,
      note: r.cells.note?.raw ?? null,
      source: r.cells.source?.raw ?? null,
      explanation: r.cells.explanation?.raw ?? null,
      platformOverride: r.cells.platformOverride?.raw ?? null,
      reason,
    };
    const context = { ...contextOf(kpi), ...(permissions.mayEditKpi && { permitted: permissions.mayEditKpi(kpi) }) };
    items.push({ kpi, input, context, row: r, notes });
  }

  const validated = await validateActualsYielding(items);
  const seen = new Map<string, { row: number; sheet?: string; value: number }>();
  let unchanged = 0;
  validated.forEach((v, i) => {
    const { kpi, row: r, notes } = items[i]!;
    const place = { ...(r.sheet ? { sheet: r.sheet } : {}), row: r.row };
    if (!v.ok) {
      for (const p of v.problems) {
        const cell = cellOf(r, p.field);
        problems.push({ kind: importKindOf(p), ...place, column: cell?.column ?? '', ...(cell?.heading ? { heading: cell.heading } : {}), raw: cell ? clip(cell.raw) : '', message: p.message });
      }
      return;
    }
    const a = v.value;
    const key = `${kpi.id}@${a.atIso}`;
    const first = seen.get(key);
    if (first) {
      // The exported sheet repeats a KPI shown in two tables; only a different figure is a problem there.
      if (read.format !== 'sheet' || first.value !== a.value) {
        const atCell = r.cells.at;
        problems.push({ kind: 'duplicate-row', ...place, column: atCell?.column ?? '', ...(atCell?.heading ? { heading: atCell.heading } : {}), raw: atCell?.raw ?? '', message: { ja: `同じ指標・時点の行が${first.sheet ? `「${first.sheet}」の` : ''}${first.row}行目にもあります`, en: `the same KPI and time point is also on row ${first.row}${first.sheet ? ` of "${first.sheet}"` : ''}` } });
      }
      return;
    }
    seen.set(key, { ...place, value: a.value });
    const result = { ...place, kpiId: kpi.id, at: a.at, value: a.value, unit: kpi.unit, notes };
    if (a.kind === 'unchanged') {
      unchanged++;
      results.push({ ...result, action: 'unchanged' });
      return;
    }
    const kpiRowId = kpiRowIds.get(kpi.id);
    if (kpiRowId === undefined) throw new Error(`KPI ${kpi.id} has no stored row`);
    results.push({ ...result, action: a.kind === 'correct' ? 'correction' : 'new' });
    changes.push({
      kind: a.kind,
      kpiId: kpi.id,
      kpiName: kpi.name,
      at: a.at,
      value: a.value,
      decimals: a.decimals ?? decimalsOf(a.value),
      unit: kpi.unit,
      before: a.before?.value ?? null,
      ...place,
      input: items[i]!.input,
      valid: a,
      change: { kpiId: kpiRowId, at: a.at, value: a.value, decimals: a.decimals, note: a.note, source: a.source },
    });
  });
  // Problems and rows in file order (the row checks and the validator's run in two passes).
  const order = new Map<string, number>();
  read.rows.forEach((r, i) => order.set(`${r.sheet ?? ''}\u0000${r.row}`, i));
  const rank = (p: { sheet?: string; row: number }) => order.get(`${p.sheet ?? ''}\u0000${p.row}`) ?? -1;
  const inFileOrder = <T extends { sheet?: string; row: number }>(list: readonly T[]): T[] => list.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
  return { cityId: data.city.id, format: read.format, ...(read.encoding ? { encoding: read.encoding } : {}), rows: read.rows.length, problems: inFileOrder(problems), changes, unchanged, results: inFileOrder(results) };
}

/** A long cell's text cut for a problem list (the message says how long it is). */
function clip(raw: string): string {
  return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
}

/** The cell of a row a validator problem is about (the value cell when the file has no such column). */
function cellOf(r: RawObservationRow, field: ActualField): RawCell | undefined {
  switch (field) {
    case 'kpi':
      return r.cells.kpi && r.cells.kpi.raw !== '' ? r.cells.kpi : r.cells.name;
    case 'at':
      return r.cells.at;
    case 'unit':
      return r.cells.unit;
    case 'note':
      return r.cells.note;
    case 'source':
      return r.cells.source;
    case 'explanation':
      return r.cells.explanation ?? r.cells.value;
    case 'platformOverride':
      return r.cells.platformOverride ?? r.cells.value;
    case 'value':
    case 'reason':
      return r.cells.value;
  }
}

/** The import's problem kind for a validator problem (the preview's filter and CSV use these). */
function importKindOf(p: ActualProblem): ImportProblemKind {
  switch (p.kind) {
    case 'required':
      return p.field === 'at' ? 'unreadable-date' : 'missing-value';
    case 'unreadable-date':
      return 'unreadable-date';
    case 'unreadable-value':
      return 'text-in-number-cell';
    case 'unit-mismatch':
      return 'unit-mismatch';
    case 'percentage-out-of-range':
      return 'percentage-out-of-range';
    case 'not-permitted':
      return 'kpi-not-permitted';
    case 'platform-fed':
      return 'platform-fed';
    case 'explanation-required':
      return 'explanation-required';
    case 'too-long':
      return p.field === 'note' || p.field === 'source' ? 'text-too-long' : 'invalid-text';
    case 'control-character':
      return 'control-character';
    case 'invisible-character':
      return 'invisible-character';
    case 'reason-required':
      return 'invalid-text';
  }
}

/** The message of a formula with no saved result: it names the cell and says how to get a value. */
function formulaMessage(place: string, formula: string | undefined): [string, string] {
  const f = formula ? `=${formula}` : '';
  return [
    `セル ${place} の数式（${f}）には計算結果が保存されていません。Excelでファイルを開いて保存し直すか、値を直接入力してください`,
    `the formula in cell ${place} (${f}) has no saved result: open the file in Excel and save it again, or type the value`,
  ];
}

/**
 * The preview as one JSON object, the contract of `michishirube import FILE --dry-run --json`
 * and of the web preview's JSON: `rows` (row, kpi_id, at in the API's ISO form, value, unit,
 * action, notes) and `problems` (row, column as headed in the file, kind, message).
 */
export function importPreviewJson(p: ImportPreview) {
  return {
    city: p.cityId,
    format: p.format,
    rows: p.results.map((r) => ({
      ...(r.sheet ? { sheet: r.sheet } : {}),
      row: r.row,
      kpi_id: r.kpiId,
      at: r.at ? formatTimePointIso(r.at) : null,
      value: r.value,
      unit: r.unit,
      action: r.action,
      notes: r.notes.map((n) => `${n.ja} / ${n.en}`),
    })),
    problems: p.problems.map((pr) => ({
      ...(pr.sheet ? { sheet: pr.sheet } : {}),
      row: pr.row,
      column: pr.heading ?? pr.column,
      cell: problemPlace(pr),
      kind: pr.kind,
      raw: pr.raw,
      message: `${pr.message.ja} / ${pr.message.en}`,
    })),
  };
}

function isPercent(unit: string): boolean {
  return normalizeUnit(unit) === '%';
}

/** `fn` remembering its answer per argument (for one validation: the cache dies with it). */
function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) cache.set(key, (v = fn(key)));
    return v as V;
  };
}

/** Example rows for the template: each KPI of the city with its latest actual (or its baseline). */
export function templateExamples(data: CityData): { kpi: string; name: string; sdgTargets: string; at: TimePoint; value: number; decimals: number; unit: string }[] {
  return data.kpis.map((k) => {
    const latest = [...k.observations].sort((a, b) => (formatTimePointIso(a.at) < formatTimePointIso(b.at) ? -1 : 1)).at(-1) ?? k.baseline;
    return { kpi: k.id, name: k.name, sdgTargets: k.sdgTargets.length ? `【${k.sdgTargets.join(',')}】` : '', at: latest.at, value: latest.value, decimals: latest.decimals ?? decimalsOf(latest.value), unit: k.unit };
  });
}

/** A file error as one line in both languages (the catalog's `import.fileError.*`), Japanese first. */
export function describeImportFileError(e: ImportFileError): BilingualText {
  const say = (lang: Lang): string => {
    const mb = (bytes: number) => (bytes / 1048576).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 });
    const vars: Record<string, string> = {};
    switch (e.kind) {
      case 'too-large':
        Object.assign(vars, { size: mb(e.bytes), limit: mb(e.limit) });
        break;
      case 'unsupported-type':
        vars['name'] = e.name;
        break;
      case 'zip-bomb':
      case 'corrupt-xlsx':
      case 'calls-out':
        vars['detail'] = e.detail;
        break;
      case 'macro-enabled':
      case 'xml-doctype':
        vars['part'] = e.part;
        break;
      case 'xml-too-deep':
        Object.assign(vars, { part: e.part, limit: e.limit.toLocaleString('en-US') });
        break;
      case 'too-many-shared-strings':
      case 'too-many-cells':
        vars['limit'] = e.limit.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US');
        break;
      case 'too-many-columns':
      case 'cell-too-long':
        Object.assign(vars, { place: e.place, limit: e.limit.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US') });
        break;
      case 'read-limit':
        vars['limit'] = e.limit.toLocaleString('en-US');
        break;
      case 'unreadable-csv':
        Object.assign(vars, { line: String(e.line), message: e.message });
        break;
      case 'too-many-rows':
        vars['limit'] = e.limit.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US');
        break;
      case 'unknown-city':
        vars['city'] = e.cityId;
        break;
      case 'city-mismatch':
        Object.assign(vars, { fileCity: e.fileCity, city: e.cityId });
        break;
      case 'no-data': {
        const looked = Object.values(LOOKED_FOR_HEADINGS).map((names) => names.map((h) => `「${h}」`).join(lang === 'ja' ? '・' : '/'));
        vars['looked'] = looked.join(lang === 'ja' ? '、' : '; ');
        const c = e.closest;
        vars['closest'] = c
          ? lang === 'ja'
            ? `。最も近かったのは${c.sheet ? `シート「${c.sheet}」の` : ''}${c.row}行目（${c.texts.filter((x) => x !== '').map((x) => `「${x}」`).join('')}）です`
            : `. The closest row was ${c.sheet ? `row ${c.row} of "${c.sheet}"` : `line ${c.row}`} (${c.texts.filter((x) => x !== '').map((x) => `"${x}"`).join(', ')})`
          : '';
        break;
      }
      case 'empty-file':
      case 'not-xlsx':
        break;
    }
    const key: MessageKey = e.kind === 'unknown-city' && !e.cityId ? 'import.fileError.no-city' : e.kind === 'read-limit' ? `import.fileError.read-limit.${e.what}` : `import.fileError.${e.kind}`;
    return t(lang, key).replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  };
  return { ja: say('ja'), en: say('en') };
}

/** Where a problem is: 「シート名」!12行 B列. */
export function problemPlace(p: Pick<ImportProblem, 'sheet' | 'row' | 'column'>): string {
  return `${p.sheet ? `${p.sheet}!` : ''}${p.column}${p.row}`;
}
