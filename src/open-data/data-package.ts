import type { City } from '../core/city/city.ts';
import type { DataTable } from '../formats/csv/write-csv.ts';
import { licenceOf } from './licence.ts';

/**
 * Metadata of a city's open-data archive in the two standards data users read (issue 15.3): a
 * Frictionless Tabular Data Package (`datapackage.json`, Data Package v1 with a Table Schema per
 * CSV) and CSV on the Web metadata (`csv-metadata.json`, W3C CSVW). Both state the licence. Pure.
 */

/** A column's type as both schemas name it. */
type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date';

/** Labels of the columns most files share (the header stays the snake_case key). */
const LABELS: Readonly<Record<string, string>> = {
  local_government_code: '全国地方公共団体コード',
  city_id: '都市ID',
  kpi_id: 'KPI ID',
  kpi_name: 'KPI名',
  name: '名称',
  name_en: '名称（英語）',
  unit: '単位',
  department: '担当部署',
  sdg_targets: 'SDGsターゲット',
  series: '系列（baseline: 基準値, actual: 実績値, target: 目標値）',
  at: '時点',
  at_wareki: '時点（和暦）',
  at_start: '時点の開始日',
  at_end: '時点の終了日',
  value: '値',
  baseline: '基準値',
  latest: '最新の実績値',
  target: '目標値',
  rate: '達成度（%）',
  status: '状況',
  plan_id: '計画ID',
  node_id: '施策ID',
  target_id: '目標ID',
  title: '題名',
  reason: '理由',
  platform_override: 'パートナー制度の自動集計を手入力で上書きした理由（上書きでない値は空）',
};

function fieldType(column: string, rows: DataTable['rows']): FieldType {
  if (column === 'local_government_code') return 'string';
  if (/_(start|end)$/.test(column) && column.startsWith('at_')) return 'date';
  const values = rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined && v !== '');
  if (values.length === 0) return 'string';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) return values.every((v) => Number.isInteger(v)) && /(^no$|depth|revisions|year|decimals|position)/.test(column) ? 'integer' : 'number';
  return 'string';
}

/** The Table Schema of a table: its columns with types and labels; the code column constrained to six digits. */
export function tableSchema(table: DataTable) {
  return {
    fields: table.columns.map((name) => ({
      name,
      type: fieldType(name, table.rows),
      ...(LABELS[name] ? { title: LABELS[name] } : {}),
      ...(name === 'local_government_code' ? { constraints: { pattern: '[0-9]{6}' } } : {}),
    })),
    missingValues: [''],
  };
}

/**
 * `datapackage.json` for the archive of a city: one tabular resource per CSV file (`files`
 * maps the file name without `.csv` to its table), UTF-8, comma, CRLF, a header row.
 */
export function dataPackage(city: City, files: Readonly<Record<string, DataTable>>, created: Date) {
  const licence = licenceOf(city);
  const licenses = [{ name: licence.id, path: licence.url, title: licence.title.en }];
  return {
    profile: 'tabular-data-package',
    name: `${city.id}-open-data`,
    title: `${city.name} オープンデータ / ${city.nameEn} open data`,
    description: `${city.name}の計画・SDGs・KPIの公開データ（道しるべ）。Plans, SDGs and KPIs of ${city.nameEn} as published.`,
    ...(city.localGovernmentCode ? { keywords: [city.localGovernmentCode, city.name, city.prefecture, 'SDGs', 'KPI'] } : { keywords: [city.name, city.prefecture, 'SDGs', 'KPI'] }),
    licenses,
    created: created.toISOString(),
    resources: Object.entries(files).map(([name, table]) => ({
      profile: 'tabular-data-resource',
      name,
      path: `${name}.csv`,
      format: 'csv',
      mediatype: 'text/csv',
      // UTF-8; the files start with a BOM (Excel), which Frictionless readers detect and skip.
      encoding: 'utf-8',
      dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true },
      licenses,
      schema: tableSchema(table),
    })),
  };
}

const CSVW_DATATYPE: Readonly<Record<FieldType, string>> = { string: 'string', number: 'double', integer: 'integer', boolean: 'boolean', date: 'date' };

/** `csv-metadata.json` (W3C CSV on the Web) describing the same CSV files, with the licence and a UTF-8 BOM dialect. */
export function csvwMetadata(city: City, files: Readonly<Record<string, DataTable>>) {
  const licence = licenceOf(city);
  return {
    '@context': ['http://www.w3.org/ns/csvw', { '@language': 'ja' }],
    'dc:title': `${city.name} オープンデータ`,
    'dc:license': { '@id': licence.url },
    'dc:publisher': city.name,
    ...(city.localGovernmentCode ? { 'dc:identifier': city.localGovernmentCode } : {}),
    dialect: { encoding: 'utf-8', header: true, delimiter: ',', lineTerminators: ['\r\n'], skipBlankRows: false },
    tables: Object.entries(files).map(([name, table]) => ({
      url: `${name}.csv`,
      'dc:license': { '@id': licence.url },
      tableSchema: {
        columns: table.columns.map((column) => ({
          name: column,
          titles: column,
          datatype: CSVW_DATATYPE[fieldType(column, table.rows)],
          null: '',
          ...(LABELS[column] ? { 'dc:description': LABELS[column] } : {}),
        })),
      },
    })),
  };
}
