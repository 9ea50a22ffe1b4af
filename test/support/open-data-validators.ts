import { parse } from 'csv-parse/sync';

/*
 * Checks of the open-data files against the published rules of their formats, for the formats
 * no maintained JavaScript validator covers offline (issue 15.3). The Data Package is checked by
 * Frictionless's own library (`datapackage`) in the tests; CSVW's processors (csvw-py, the
 * RDF converters) need the CSVW JSON-LD context from the network or another runtime, and no npm
 * package validates SDMX-CSV, so these two follow the rules as the specifications state them,
 * each rule naming its section. Each returns every problem found (an empty list: valid).
 */

/** Parses CSV as RFC 4180 (quotes, CRLF), without a leading UTF-8 BOM. */
function records(csv: string, delimiter = ','): string[][] {
  return parse(csv.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

/** The built-in datatypes of CSVW (Metadata Vocabulary for Tabular Data §5.11.1). */
const CSVW_BUILT_IN_DATATYPES = new Set([
  'anyAtomicType', 'anyURI', 'base64Binary', 'boolean', 'date', 'dateTime', 'dateTimeStamp', 'decimal', 'integer', 'long', 'int', 'short', 'byte',
  'nonNegativeInteger', 'positiveInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte', 'nonPositiveInteger', 'negativeInteger',
  'double', 'number', 'duration', 'dayTimeDuration', 'yearMonthDuration', 'float', 'gDay', 'gMonth', 'gMonthDay', 'gYear', 'gYearMonth', 'hexBinary',
  'QName', 'string', 'normalizedString', 'token', 'language', 'Name', 'NMTOKEN', 'xml', 'html', 'json', 'time',
]);

/** Lexical forms of the datatypes the app writes (XML Schema 1.1 Part 2, as CSVW §6.4 parses them without a format). */
const LEXICAL: Readonly<Record<string, RegExp>> = {
  double: /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|INF|-INF|NaN)$/,
  number: /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|INF|-INF|NaN)$/,
  decimal: /^-?(\d+(\.\d*)?|\.\d+)$/,
  integer: /^[-+]?\d+$/,
  boolean: /^(true|false|1|0)$/,
  date: /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[-+]\d{2}:\d{2})?$/,
  gYear: /^-?\d{4,}(Z|[-+]\d{2}:\d{2})?$/,
};

/** Properties a column description may hold (§5.6 and the inherited properties of §5.7), besides prefixed common properties. */
const COLUMN_PROPERTIES = new Set(['name', 'titles', 'virtual', 'suppressOutput', 'datatype', 'null', 'default', 'lang', 'ordered', 'required', 'separator', 'textDirection', 'aboutUrl', 'propertyUrl', 'valueUrl', '@id', '@type']);
/** Properties of a dialect description (§5.9). */
const DIALECT_PROPERTIES = new Set(['commentPrefix', 'delimiter', 'doubleQuote', 'encoding', 'header', 'headerRowCount', 'lineTerminators', 'quoteChar', 'skipBlankRows', 'skipColumns', 'skipInitialSpace', 'skipRows', 'trim', '@id', '@type']);
/** Properties of a table group and of a table (§5.3, §5.4), besides the inherited ones and prefixed common properties. */
const GROUP_PROPERTIES = new Set(['@context', 'tables', 'dialect', 'notes', 'tableDirection', 'tableSchema', 'transformations', '@id', '@type']);
const TABLE_PROPERTIES = new Set(['url', 'dialect', 'notes', 'suppressOutput', 'tableDirection', 'tableSchema', 'transformations', '@id', '@type']);
/** The prefixes CSVW's context defines for common properties (§5.8, the RDFa initial context). */
const KNOWN_PREFIXES = new Set(['dc', 'dcat', 'dcterms', 'foaf', 'schema', 'rdfs', 'rdf', 'owl', 'xsd', 'skos', 'prov', 'void', 'csvw']);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks CSVW metadata (W3C Metadata Vocabulary for Tabular Data, 2015) and the CSV files it
 * describes (`files`: file name as the table's url → text): the @context form (§5.2), the table
 * group and tables (§5.3–5.4), the dialect (§5.9), each column (§5.6: a name usable in a URI
 * template, not starting with "_", unique in its table; a built-in datatype, §5.11.1), common
 * properties with a known prefix and JSON-LD values (§5.8: a licence as an {"@id": absolute URL}),
 * then the files: the header row equal to the columns' titles (§5.5.1 compatibility), every row
 * with one cell per column, every non-null cell in its datatype's lexical space (§6.4).
 */
export function csvwProblems(metadata: unknown, files: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (!isObject(metadata)) return ['metadata: not a JSON object'];
  const context = metadata['@context'];
  const csvwContext = 'http://www.w3.org/ns/csvw';
  const contextOk =
    context === csvwContext ||
    (Array.isArray(context) && context.length === 2 && context[0] === csvwContext && isObject(context[1]) && Object.keys(context[1]).length > 0 && Object.keys(context[1]).every((k) => k === '@base' || k === '@language'));
  if (!contextOk) problems.push(`@context: must be "${csvwContext}" or ["${csvwContext}", {"@base"/"@language"}] (§5.2)`);

  const commonProperties = (o: Record<string, unknown>, allowed: Set<string>, at: string) => {
    for (const [key, value] of Object.entries(o)) {
      if (allowed.has(key)) continue;
      const m = /^([a-z]+):[A-Za-z]+$/.exec(key);
      if (!m) problems.push(`${at}: unknown property "${key}"`);
      else if (!KNOWN_PREFIXES.has(m[1]!)) problems.push(`${at}: "${key}" has a prefix the CSVW context does not define (§5.8)`);
      else if (key === 'dc:license' || key === 'dcterms:license') {
        if (!isObject(value) || typeof value['@id'] !== 'string' || !/^https?:\/\/\S+$/.test(value['@id'])) problems.push(`${at}: ${key} must be {"@id": an absolute URL} (§5.8)`);
      } else if (!(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isObject(value) || Array.isArray(value))) problems.push(`${at}: ${key} is not a JSON-LD value (§5.8)`);
    }
  };
  commonProperties(metadata, GROUP_PROPERTIES, 'table group');

  const dialect = metadata.dialect;
  if (dialect !== undefined) {
    if (!isObject(dialect)) problems.push('dialect: not an object (§5.9)');
    else {
      for (const key of Object.keys(dialect)) if (!DIALECT_PROPERTIES.has(key)) problems.push(`dialect: unknown property "${key}" (§5.9)`);
      if (dialect.encoding !== undefined && dialect.encoding !== 'utf-8') problems.push('dialect.encoding: the files are UTF-8');
      if (dialect.header !== undefined && typeof dialect.header !== 'boolean') problems.push('dialect.header: must be true or false');
      if (dialect.delimiter !== undefined && (typeof dialect.delimiter !== 'string' || dialect.delimiter.length !== 1)) problems.push('dialect.delimiter: one character');
    }
  }
  const delimiter = isObject(dialect) && typeof dialect.delimiter === 'string' ? dialect.delimiter : ',';

  const tables = metadata.tables;
  if (!Array.isArray(tables) || tables.length === 0) return [...problems, 'tables: a table group needs a non-empty array of tables (§5.3)'];
  const urls = new Set<string>();
  tables.forEach((table: unknown, ti) => {
    const at = `tables[${ti}]`;
    if (!isObject(table)) return void problems.push(`${at}: not an object`);
    commonProperties(table, TABLE_PROPERTIES, at);
    if (typeof table.url !== 'string' || table.url === '') return void problems.push(`${at}.url: required (§5.4)`);
    if (urls.has(table.url)) problems.push(`${at}.url: "${table.url}" described twice`);
    urls.add(table.url);
    const schema = table.tableSchema;
    if (!isObject(schema) || !Array.isArray(schema.columns)) return void problems.push(`${at}.tableSchema.columns: required`);
    const names = new Set<string>();
    const columns = schema.columns as unknown[];
    columns.forEach((column, ci) => {
      const cat = `${at}.tableSchema.columns[${ci}]`;
      if (!isObject(column)) return void problems.push(`${cat}: not an object`);
      commonProperties(column, COLUMN_PROPERTIES, cat);
      const name = column.name;
      if (typeof name !== 'string' || !/^([A-Za-z0-9_.]|%[0-9A-Fa-f]{2})+$/.test(name) || name.startsWith('_')) problems.push(`${cat}.name: "${String(name)}" is not a name a URI template can use, or starts with "_" (§5.6)`);
      else if (names.has(name)) problems.push(`${cat}.name: "${name}" is not unique in its table (§5.6)`);
      else names.add(name);
      const titles = column.titles;
      if (!(typeof titles === 'string' || (Array.isArray(titles) && titles.every((t) => typeof t === 'string')) || isObject(titles))) problems.push(`${cat}.titles: a string, an array of strings or a language map (§5.6)`);
      const datatype = isObject(column.datatype) ? column.datatype.base : column.datatype;
      if (datatype !== undefined && (typeof datatype !== 'string' || !CSVW_BUILT_IN_DATATYPES.has(datatype))) problems.push(`${cat}.datatype: "${String(datatype)}" is not a built-in datatype (§5.11.1)`);
      if (column.null !== undefined && typeof column.null !== 'string' && !Array.isArray(column.null)) problems.push(`${cat}.null: a string or an array of strings (§5.7)`);
    });

    const text = files[table.url];
    if (text === undefined) return void problems.push(`${at}.url: "${table.url}" is not among the files`);
    const rows = records(text, delimiter);
    const [header, ...body] = rows;
    const titleOf = (c: unknown) => (isObject(c) ? (typeof c.titles === 'string' ? c.titles : Array.isArray(c.titles) ? c.titles[0] : c.name) : undefined);
    const expected = columns.map(titleOf);
    if (JSON.stringify(header) !== JSON.stringify(expected)) problems.push(`${table.url}: header row ${JSON.stringify(header)} does not match the columns' titles ${JSON.stringify(expected)} (§5.5.1)`);
    body.forEach((row, ri) => {
      if (row.length !== columns.length) return void problems.push(`${table.url} row ${ri + 2}: ${row.length} cells for ${columns.length} columns`);
      row.forEach((cell, ci) => {
        const column = columns[ci];
        if (!isObject(column)) return;
        const nulls = column.null === undefined ? [''] : [column.null].flat();
        if (nulls.includes(cell)) return;
        const datatype = String(isObject(column.datatype) ? column.datatype.base : (column.datatype ?? 'string'));
        const lexical = LEXICAL[datatype];
        if (lexical && !lexical.test(cell)) problems.push(`${table.url} row ${ri + 2}, column ${String(column.name)}: "${cell}" is not a ${datatype} (§6.4)`);
      });
    });
  });
  return problems;
}

/** An SDMX identifier (SDMX Information Model: IDType, as for component ids and codes). */
const SDMX_ID = /^[A-Za-z0-9_@$-]+$/;
/** The DATAFLOW cell: AGENCY:ID(VERSION), e.g. "MICHISHIRUBE:DF_KPI_SERIES(1.0)" (SDMX-CSV 1.0, "Dataflow column"). */
const SDMX_DATAFLOW = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*:[A-Za-z0-9_@$-]+\(\d+(\.\d+)*\)$/;
/** TIME_PERIOD in an SDMX time format (ISO 8601 year, month, day, interval; SDMX reporting periods such as 2020-A1, 2020-Q1, 2020-M01). */
const SDMX_TIME = /^(\d{4}(-\d{2}(-\d{2})?)?|\d{4}-(A1|S[12]|T[1-3]|Q[1-4]|M(0[1-9]|1[0-2])|W\d{2}|D\d{3})|\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}|\d{4}(-\d{2}(-\d{2})?)?\/P[0-9YMWD]+)$/;

/**
 * Checks an SDMX-CSV 1.0 file (SDMX Technical Working Group, "SDMX-CSV format", 2017): RFC 4180
 * records, comma separated, UTF-8; a header row whose first cell is DATAFLOW and whose other
 * cells are component ids (unique, SDMX ids), with OBS_VALUE and TIME_PERIOD among them; every
 * record with one field per header cell, its first field the dataflow as AGENCY:ID(VERSION);
 * dimension values as SDMX ids; TIME_PERIOD in an SDMX time format; OBS_VALUE a number or empty.
 * `dimensions` names the columns that are dimensions of the dataflow (the rest are measures or attributes).
 */
export function sdmxCsvProblems(csv: string, dimensions: readonly string[]): string[] {
  const problems: string[] = [];
  const rows = records(csv);
  const [header, ...body] = rows;
  if (!header || header[0] !== 'DATAFLOW') return ['header: the first column must be DATAFLOW'];
  const ids = header.slice(1);
  for (const id of ids) if (!SDMX_ID.test(id)) problems.push(`header: "${id}" is not an SDMX component id`);
  if (new Set(header).size !== header.length) problems.push('header: a column id appears twice');
  for (const required of ['TIME_PERIOD', 'OBS_VALUE', ...dimensions]) if (!header.includes(required)) problems.push(`header: no ${required} column`);
  if (body.length === 0) problems.push('no observation');
  body.forEach((row, i) => {
    const at = `record ${i + 2}`;
    if (row.length !== header.length) return void problems.push(`${at}: ${row.length} fields for ${header.length} columns`);
    const cell = (name: string) => row[header.indexOf(name)]!;
    if (!SDMX_DATAFLOW.test(row[0]!)) problems.push(`${at}: DATAFLOW "${row[0]}" is not AGENCY:ID(VERSION)`);
    for (const d of dimensions) if (!SDMX_ID.test(cell(d))) problems.push(`${at}: dimension ${d} "${cell(d)}" is not an SDMX id`);
    if (!SDMX_TIME.test(cell('TIME_PERIOD'))) problems.push(`${at}: TIME_PERIOD "${cell('TIME_PERIOD')}" is not an SDMX time period`);
    const value = cell('OBS_VALUE');
    if (value !== '' && !/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value)) problems.push(`${at}: OBS_VALUE "${value}" is not a number`);
  });
  // Observations are identified by their dimensions and time: the same key twice is a contradiction.
  const keys = body.map((r) => [...dimensions, 'TIME_PERIOD'].map((d) => r[header.indexOf(d)]).join('|'));
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) problems.push(`two observations share the key ${dup}`);
  return problems;
}
