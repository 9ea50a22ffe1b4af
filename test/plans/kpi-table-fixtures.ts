import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { toCsv } from '../../src/formats/csv/write-csv.ts';
import { KPI_LIST_TEMPLATE_HEADER } from '../../src/plans/kpi-table.ts';

/*
 * KPI tables of the three seed cities typed as the cities printed them (issue 13.5), built from
 * the seed data files (data/seeds, transcribed from the documents): Ichinoseki's tables (4) and
 * (2) as an .xlsx with two-row headers, Tsukuba's tables (1) and (2) as a Shift_JIS CSV with its
 * title row, Kanazawa's KPI list as a UTF-8 CSV in the app's KPI-list template. No binary is kept.
 */

interface SeedKpi {
  id: string;
  name: string;
  unit: string;
  side: string;
  sdgTargets?: string | string[];
  baseline: { at: string; value: string };
  direction?: 'up' | 'down';
  observations?: { at: string; value: string }[];
  targets: { id: string; at: string; value: string }[];
  publishedRates?: { document: string; actualAt: string; target: string; rate: string }[];
}
interface SeedRow { kpi: string; no?: string; target?: string; reflection?: string }
interface SeedNode { kind: string; code?: string; title: string; children?: SeedNode[]; kpis?: SeedRow[] }
interface Seed { city: Record<string, unknown>; kpis: SeedKpi[]; plans: { id: string; kind: string; nodes: SeedNode[] }[] }

/** One printed row of a seed city's KPI table. */
export interface PrintedRow {
  readonly table: number;
  readonly tableTitle: string;
  readonly initiative?: string;
  readonly no: string;
  readonly side: string;
  readonly kpiId: string;
  readonly name: string;
  readonly sdg: string;
  readonly unit: string;
  readonly baseline: { at: string; value: string };
  readonly actual?: { at: string; value: string };
  readonly target: { at: string; value: string };
  readonly rate: string;
  readonly reflection: string;
  /** The 方向 column the city adds (issue 13.3): 「増加」 or 「減少」 as the seed states, blank when it does not. */
  readonly direction: string;
}

export function seed(city: string): Seed {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../../data/seeds', `${city}.json`), 'utf8')) as Seed;
}

const SIDE_JA: Record<string, string> = { economy: '経済', society: '社会', environment: '環境' };

/** The rows of a seed city's SDGs plan tables, in print order. */
export function printedRows(city: string): PrintedRow[] {
  const s = seed(city);
  const plan = s.plans.find((p) => p.kind === 'sdgs-future-city')!;
  const out: PrintedRow[] = [];
  const add = (table: number, tableTitle: string, r: SeedRow, initiative?: string) => {
    const k = s.kpis.find((x) => x.id === r.kpi)!;
    const target = k.targets.find((t) => t.id === r.target) ?? k.targets[0]!;
    const actual = k.observations?.at(-1);
    const rate = k.publishedRates?.find((p) => p.target === target.id && p.actualAt === actual?.at)?.rate ?? '';
    const sdg = Array.isArray(k.sdgTargets) ? `【${k.sdgTargets.join(',')}】` : (k.sdgTargets ?? '');
    out.push({ table, tableTitle, ...(initiative && { initiative }), no: r.no ?? '', side: SIDE_JA[k.side] ?? '', kpiId: k.id, name: k.name, sdg, unit: k.unit, baseline: k.baseline, ...(actual && { actual }), target: { at: target.at, value: target.value }, rate, reflection: r.reflection ?? '', direction: k.direction === 'down' ? '減少' : k.direction === 'up' ? '増加' : '' });
  };
  plan.nodes.forEach((n, table) => {
    const title = `${n.code ?? ''} ${n.title}`.trim();
    for (const r of n.kpis ?? []) add(table, title, r);
    const walk = (c: SeedNode, initiative: string) => {
      for (const r of c.kpis ?? []) add(table, title, r, initiative);
      for (const g of c.children ?? []) walk(g, initiative);
    };
    for (const c of n.children ?? []) walk(c, `${c.code ? `${c.code} ` : ''}${c.title}`);
  });
  return out;
}

/**
 * Ichinoseki's tables (4) and (2) as printed, one sheet, two-row headers; one actual typed as a
 * percent cell; the plan's name and period in a title row (`period: false` leaves it out).
 */
export async function ichinosekiXlsx(rows = printedRows('ichinoseki'), edit?: (ws: ExcelJS.Worksheet) => void, options: { period?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('進捗評価シート');
  ws.addRow(['SDGs未来都市等進捗評価シート']);
  if (options.period !== false) ws.addRow(['一関市SDGs未来都市計画：計画期間2021年～2023年']);
  for (const table of [...new Set(rows.map((r) => r.table))]) {
    const of = rows.filter((r) => r.table === table);
    const withInitiative = of.some((r) => r.initiative);
    ws.addRow([table === 0 ? '（４）2030年のあるべき姿の実現へ向けた取組の達成状況' : '（２）自治体SDGsの推進に資する取組の達成状況']);
    ws.addRow([...(withInitiative ? ['No', '取組名'] : ['側面', 'No']), '指標名\n※【】内はゴール・ターゲット番号', '当初値', '', '2023年', '', '目標値', '', '達成度\n(%)', '第２期計画のKPIへの反映状況', '方向']);
    ws.addRow(['', '', '', '年', '値', '年', '値', '年', '値', '', '', '']);
    for (const r of of) {
      const row = ws.addRow([...(withInitiative ? [r.no, r.initiative ?? ''] : [r.side, r.no]), `${r.name}\n${r.sdg}`, r.baseline.at, r.baseline.value, r.actual?.at ?? '', r.actual?.value ?? '', r.target.at, r.target.value, r.rate, r.reflection, r.direction]);
      // Excel habit: a percentage typed as a number under a % format (47.4 % stored as 0.474).
      if (r.kpiId === 'local-employment-new-high-school-graduates' && r.actual && table === 0) {
        row.getCell(7).value = Number.parseFloat(r.actual.value) / 100;
        row.getCell(7).numFmt = '0.0%';
      }
    }
  }
  edit?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Tsukuba's tables (1) and (2) as a Shift_JIS CSV (a title row stating the period, two-row headers). */
export function tsukubaCsv(rows = printedRows('tsukuba')): Buffer {
  const lines: string[][] = [['茨城県つくば市 第2期SDGs未来都市計画：計画期間2021年～2023年']];
  for (const table of [0, 1]) {
    const of = rows.filter((r) => r.table === table);
    if (table === 0) {
      lines.push(['(1) 2030年のあるべき姿の実現へ向けた取組の達成状況']);
      lines.push(['No', '指標名 ※[]内はゴール・ターゲット番号', '当初値', '', '2023年', '', '2030年（目標値）', '', '達成度 （%）', '第3期計画（または独自計画）の KPIへの反映状況', '方向']);
      lines.push(['', '', '年', '数', '年', '数', '年', '数', '', '', '']);
      for (const r of of) lines.push([r.no, `${r.name} ${r.sdg}`, r.baseline.at, r.baseline.value, r.actual?.at ?? '', r.actual?.value ?? '', r.target.at, r.target.value, r.rate, r.reflection, r.direction]);
    } else {
      lines.push(['(2) 自治体SDGsの推進に資する取組の達成状況']);
      lines.push(['No', '取組名', '指標名', '当初値', '', '2023年 実績', '', '2023年 目標値', '', '達成度 （%）', '第3期計画（または独自計画）の KPIへの反映状況', '方向']);
      lines.push(['', '', '', '年', '数', '年', '数', '年', '数', '', '', '']);
      let last = '';
      for (const r of of) {
        // The 取組名 is printed once per initiative (a merged cell), blank below.
        lines.push([r.no, r.initiative === last ? '' : (r.initiative ?? ''), r.name, r.baseline.at, r.baseline.value, r.actual?.at ?? '', r.actual?.value ?? '', r.target.at, r.target.value, r.rate, r.reflection, r.direction]);
        last = r.initiative ?? '';
      }
    }
  }
  const text = lines.map((l) => l.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
  return iconv.encode(text, 'cp932');
}

/** Kanazawa's KPI list in the app's KPI-list template (UTF-8 CSV with BOM): its period row (unless `period: false`), then the headings and rows. */
export function kanazawaTemplateCsv(rows = printedRows('kanazawa'), options: { period?: boolean } = {}): Buffer {
  const columns = [...KPI_LIST_TEMPLATE_HEADER];
  const periodRow = options.period === false ? '' : toCsv({ columns: ['計画期間：2023年～2025年'], rows: [] });
  const data = rows.map((r, i) => Object.fromEntries(columns.map((c, j) => [c, [String(i + 1), r.side, r.initiative ?? r.tableTitle, r.name, r.sdg, r.unit, r.baseline.at, r.baseline.value, r.actual?.at ?? '', r.actual?.value ?? '', r.target.at, r.target.value, r.rate, r.reflection, r.direction][j]!])));
  return Buffer.from(periodRow + toCsv({ columns, rows: data }).replace(periodRow === '' ? /^$/ : /^\uFEFF/, ''), 'utf8');
}
