import { open, stat } from 'node:fs/promises';
import type { CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { normalizeUnit, parseQuantity, parseSdgTargetList, parseTimePoint } from '../core/notation/index.ts';
import { decimalsOf } from '../core/quantity.ts';
import { formatTimePointIso, type TimePoint } from '../core/time/time-point.ts';
import { detectFileEncoding, readObservationCsv, type RawCell, type RawObservationRow } from '../formats/csv/observation-rows.ts';
import type { TextEncoding } from '../formats/csv/decode-text.ts';
import { readObservationWorkbook } from '../formats/xlsx/observation-workbook.reader.ts';
import { inspectXlsxZip } from '../formats/xlsx/zip-guard.ts';
import type { Lang } from '../i18n/lang.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { listKpiRows } from '../storage/kpi.repository.ts';
import type { ObservationChange } from '../storage/observation.repository.ts';
import { validateActuals, type ActualContext, type ActualField, type ActualInput, type ActualProblem, type ValidActual } from '../actuals/actual-input.ts';
import { actualContexts, writeValidatedActuals, type ChangeSignal } from '../actuals/record-actual.command.ts';

/** The preview's stand-in for the import's reason (the commit gives the real one): corrections are not refused for lacking one. */
const IMPORT_REASON_PLACEHOLDER = 'import';
import { loadCityData } from './city-data.service.ts';

/** Files larger than this are refused before they are read (the web refuses them while uploading). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Data rows one import may hold. */
export const MAX_IMPORT_ROWS = 100_000;

/** Why a whole file is refused: nothing in it is looked at further. */
export type ImportFileError =
  | { readonly kind: 'empty-file' }
  | { readonly kind: 'too-large'; readonly bytes: number; readonly limit: number }
  | { readonly kind: 'unsupported-type'; readonly name: string }
  | { readonly kind: 'not-xlsx' }
  | { readonly kind: 'zip-bomb'; readonly detail: string }
  | { readonly kind: 'corrupt-xlsx'; readonly detail: string }
  | { readonly kind: 'no-data'; readonly found: readonly string[] }
  | { readonly kind: 'unreadable-csv'; readonly line: number; readonly message: string }
  | { readonly kind: 'too-many-rows'; readonly limit: number }
  | { readonly kind: 'unknown-city'; readonly cityId: string }
  | { readonly kind: 'city-mismatch'; readonly fileCity: string; readonly cityId: string };

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
  | 'platform-fed'
  | 'explanation-required'
  | 'invalid-text';

/** One problem of one cell: where, what it holds, and what is wrong (both languages). */
export interface ImportProblem {
  readonly kind: ImportProblemKind;
  readonly sheet?: string;
  readonly row: number;
  readonly column: string;
  readonly raw: string;
  readonly message: { readonly ja: string; readonly en: string };
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
}

export type PreviewResult = { readonly ok: true; readonly preview: ImportPreview } | { readonly ok: false; readonly error: ImportFileError };

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
  const read = await readImportFile(file);
  if (!read.ok) return read;
  const cityId = file.cityId ?? read.cityId;
  if (!cityId) return { ok: false, error: { kind: 'unknown-city', cityId: '' } };
  if (file.cityId && read.cityId && read.cityId !== file.cityId) return { ok: false, error: { kind: 'city-mismatch', fileCity: read.cityId, cityId: file.cityId } };
  const data = await loadCityData(db, cityId);
  if (!data) return { ok: false, error: { kind: 'unknown-city', cityId } };
  const kpiRowIds = new Map((await listKpiRows(db, cityId)).map((k) => [k.slug, k.id]));
  return { ok: true, preview: await validate(data, kpiRowIds, read, permissions, await actualContexts(db, cityId), IMPORT_REASON_PLACEHOLDER) };
}

export type CommitResult =
  | { readonly ok: true; readonly preview: ImportPreview; readonly written: number }
  | { readonly ok: false; readonly error: ImportFileError }
  | { readonly ok: false; readonly preview: ImportPreview };

/**
 * Step 2: validates the file again against the data as it is now, inside one transaction, and
 * writes every change through `recordObservations` (versions with actor and reason, change log),
 * or nothing when any problem remains. Importing the same file again writes nothing.
 */
export async function commitObservationImport(db: Executor, file: ImportFile, meta: { actor: string; reason: string }, permissions: ImportPermissions = {}, signal: ChangeSignal = { invalidate: () => {} }): Promise<CommitResult> {
  const read = await readImportFile(file);
  if (!read.ok) return read;
  return inTransaction(db, async (trx) => {
    const cityId = file.cityId ?? read.cityId;
    if (!cityId) return { ok: false, error: { kind: 'unknown-city', cityId: '' } } as const;
    const data = await loadCityData(trx, cityId);
    if (!data) return { ok: false, error: { kind: 'unknown-city', cityId } } as const;
    const kpiRowIds = new Map((await listKpiRows(trx, cityId)).map((k) => [k.slug, k.id]));
    const preview = await validate(data, kpiRowIds, read, permissions, await actualContexts(trx, cityId), meta.reason);
    if (preview.problems.length > 0) return { ok: false, preview } as const;
    // Validated by the one validator in this transaction: the command's write half appends the
    // versions, review steps and change log.
    const written = await writeValidatedActuals(trx, signal, { cityId, actor: meta.actor, reason: meta.reason }, preview.changes.map((c) => c.valid));
    return { ok: true, preview, written } as const;
  });
}

interface ReadFile {
  readonly ok: true;
  readonly format: ImportPreview['format'];
  readonly encoding?: TextEncoding;
  readonly cityId: string | null;
  readonly rows: readonly RawObservationRow[];
  readonly layoutProblems: readonly ImportProblem[];
}

/** Reads any accepted file into raw rows, refusing whole files that are empty, too large, not what they claim, or hostile. */
async function readImportFile(file: ImportFile): Promise<ReadFile | { ok: false; error: ImportFileError }> {
  const size = (await stat(file.path)).size;
  if (size === 0) return { ok: false, error: { kind: 'empty-file' } };
  if (size > MAX_IMPORT_BYTES) return { ok: false, error: { kind: 'too-large', bytes: size, limit: MAX_IMPORT_BYTES } };
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) {
    const encoding = await detectFileEncoding(file.path);
    const rows: RawObservationRow[] = [];
    const it = readObservationCsv(file.path, encoding, MAX_IMPORT_ROWS);
    for (;;) {
      const next = await it.next();
      if (next.done) {
        const e = next.value;
        if (e?.kind === 'no-header') return { ok: false, error: { kind: 'no-data', found: e.found } };
        if (e) return { ok: false, error: e };
        break;
      }
      rows.push(next.value);
      if (rows.length % 5000 === 0) await new Promise((r) => setImmediate(r));
    }
    if (rows.length === 0) return { ok: false, error: { kind: 'no-data', found: [] } };
    return { ok: true, format: 'csv', encoding, cityId: null, rows, layoutProblems: [] };
  }
  if (!lower.endsWith('.xlsx')) return { ok: false, error: { kind: 'unsupported-type', name: file.name } };
  const bytes = await readWhole(file.path, size);
  const zip = await inspectXlsxZip(bytes);
  if (!zip.ok) {
    if (zip.error.kind === 'not-a-zip') return { ok: false, error: { kind: 'not-xlsx' } };
    if (zip.error.kind === 'zip-bomb') return { ok: false, error: { kind: 'zip-bomb', detail: zip.error.detail } };
    return { ok: false, error: { kind: 'corrupt-xlsx', detail: zip.error.detail } };
  }
  let wb;
  try {
    wb = await readObservationWorkbook(bytes, zip.value, MAX_IMPORT_ROWS);
  } catch (e) {
    return { ok: false, error: { kind: 'corrupt-xlsx', detail: e instanceof Error ? e.message : String(e) } };
  }
  if (wb.tooManyRows) return { ok: false, error: { kind: 'too-many-rows', limit: MAX_IMPORT_ROWS } };
  if (!wb.format || wb.rows.length === 0) return { ok: false, error: { kind: 'no-data', found: [] } };
  const layoutProblems = wb.problems.map(
    (p): ImportProblem => ({
      kind: p.kind,
      sheet: p.sheet,
      row: p.row,
      column: p.column,
      raw: p.raw,
      message:
        p.kind === 'merged-cells'
          ? { ja: `結合セル（${p.raw}）がデータの範囲にあります。結合を解除して、行ごとに値を入れてください`, en: `merged cells (${p.raw}) in the data area: unmerge them and give each row its own value` }
          : { ja: `他のブックを参照する数式です（${p.raw}）。値に置き換えてください`, en: `a formula referring to another workbook (${p.raw}): replace it with its value` },
    }),
  );
  return { ok: true, format: wb.format, cityId: wb.cityId, rows: wb.rows, layoutProblems };
}

async function readWhole(path: string, size: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    await handle.read(buf, 0, size, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await handle.close();
  }
}

/**
 * Checks every row against the city's KPIs and turns the good ones into changes. What a file
 * alone can get wrong (an unknown KPI, SDG targets, a changed 当初値/目標値, a duplicate row) is
 * checked here; the actual itself (time point, figure, unit, range, platform feed, explanation,
 * new or correction) by the one validator every path uses (src/actuals/actual-input.ts).
 */
async function validate(data: CityData, kpiRowIds: ReadonlyMap<string, number>, read: ReadFile, permissions: ImportPermissions, contextOf: (kpi: Kpi) => ActualContext, reason: string | null): Promise<ImportPreview> {
  const kpis = new Map(data.kpis.map((k) => [k.id, k]));
  const byName = new Map<string, Kpi[]>();
  for (const k of data.kpis) {
    let list = byName.get(k.name);
    if (!list) byName.set(k.name, (list = []));
    list.push(k);
  }
  const problems: ImportProblem[] = [...read.layoutProblems];
  const changes: ImportChange[] = [];
  const items: { kpi: Kpi; input: ActualInput; context: ActualContext; row: RawObservationRow }[] = [];
  let n = 0;
  for (const r of read.rows) {
    if (++n % 2000 === 0) await new Promise((res) => setImmediate(res));
    const problem = (kind: ImportProblemKind, cell: RawCell | undefined, ja: string, en: string) =>
      problems.push({ kind, ...(r.sheet ? { sheet: r.sheet } : {}), row: r.row, column: cell?.column ?? '', raw: cell?.raw ?? '', message: { ja, en } });
    const { kpi: idCell, name: nameCell } = r.cells;
    let kpi: Kpi | undefined;
    if (idCell && idCell.raw !== '') kpi = kpis.get(idCell.raw);
    else if (nameCell && nameCell.raw !== '') {
      const found = byName.get(nameCell.raw.split('\n')[0]!.trim()) ?? [];
      if (found.length === 1) kpi = found[0];
    }
    if (!kpi) {
      const cell = idCell && idCell.raw !== '' ? idCell : nameCell;
      problem('unknown-kpi', cell, `この都市に該当する指標がありません（指標IDまたは指標名を確認してください）`, `no KPI of this city matches (check the KPI id or name)`);
      continue;
    }
    let bad = false;
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
    if (bad) continue;
    const valueCell = r.cells.value;
    const input: ActualInput = {
      at: r.cells.at?.raw ?? '',
      value: valueCell?.number !== undefined ? { number: valueCell.number, decimals: valueCell.decimals } : (valueCell?.raw ?? ''),
      unit: r.cells.unit?.raw ?? null,
      note: r.cells.note?.raw ?? null,
      source: r.cells.source?.raw ?? null,
      explanation: r.cells.explanation?.raw ?? null,
      reason,
    };
    const context = { ...contextOf(kpi), ...(permissions.mayEditKpi && { permitted: permissions.mayEditKpi(kpi) }) };
    items.push({ kpi, input, context, row: r });
  }

  const results = validateActuals(items);
  const seen = new Map<string, { row: number; sheet?: string; value: number }>();
  let unchanged = 0;
  results.forEach((v, i) => {
    const { kpi, row: r } = items[i]!;
    const place = { ...(r.sheet ? { sheet: r.sheet } : {}), row: r.row };
    if (!v.ok) {
      for (const p of v.problems) {
        const cell = cellOf(r, p.field);
        problems.push({ kind: importKindOf(p), ...place, column: cell?.column ?? '', raw: cell?.raw ?? '', message: p.message });
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
        problems.push({ kind: 'duplicate-row', ...place, column: atCell?.column ?? '', raw: atCell?.raw ?? '', message: { ja: `同じ指標・時点の行が${first.sheet ? `「${first.sheet}」の` : ''}${first.row}行目にもあります`, en: `the same KPI and time point is also on row ${first.row}${first.sheet ? ` of "${first.sheet}"` : ''}` } });
      }
      return;
    }
    seen.set(key, { ...place, value: a.value });
    if (a.kind === 'unchanged') {
      unchanged++;
      return;
    }
    const kpiRowId = kpiRowIds.get(kpi.id);
    if (kpiRowId === undefined) throw new Error(`KPI ${kpi.id} has no stored row`);
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
  // Problems in file order (the row checks and the validator's run in two passes).
  const order = new Map<string, number>();
  read.rows.forEach((r, i) => order.set(`${r.sheet ?? ''}\u0000${r.row}`, i));
  const rank = (p: ImportProblem) => order.get(`${p.sheet ?? ''}\u0000${p.row}`) ?? -1;
  const sorted = problems.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
  return { cityId: data.city.id, format: read.format, ...(read.encoding ? { encoding: read.encoding } : {}), rows: read.rows.length, problems: sorted, changes, unchanged };
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
    case 'value':
    case 'reason':
    case 'platformOverride':
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
    case 'reason-required':
      return 'invalid-text';
  }
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
export function describeImportFileError(e: ImportFileError): { ja: string; en: string } {
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
        vars['detail'] = e.detail;
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
      case 'empty-file':
      case 'not-xlsx':
      case 'no-data':
        break;
    }
    const key: MessageKey = e.kind === 'unknown-city' && !e.cityId ? 'import.fileError.no-city' : `import.fileError.${e.kind}`;
    return t(lang, key).replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  };
  return { ja: say('ja'), en: say('en') };
}

/** Where a problem is: 「シート名」!12行 B列. */
export function problemPlace(p: Pick<ImportProblem, 'sheet' | 'row' | 'column'>): string {
  return `${p.sheet ? `${p.sheet}!` : ''}${p.column}${p.row}`;
}
