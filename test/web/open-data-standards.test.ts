import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Package } from 'datapackage';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeedCities } from '../../src/formats/plan-data/plan-data.file.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { saveCityData } from '../../src/cities/city-data.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { csvwProblems, sdmxCsvProblems } from '../support/open-data-validators.ts';

/** Issue 15.3: downloads in the standards data users read, with their licence. */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const dir = mkdtempSync(path.join(tmpdir(), 'michishirube-open-data-'));

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (p: string) => {
  const res = await app.request(p);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
};
/** UTF-8's byte order mark (decoders drop it, so the bytes are checked). */
const BOM_BYTES = [0xef, 0xbb, 0xbf];
const lines = (csv: string) => csv.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');

async function archive(cityId: string): Promise<Record<string, Uint8Array>> {
  const r = await get(`/cities/${cityId}/download.zip`);
  expect(r.status).toBe(200);
  return unzipSync(r.bytes);
}

describe('the city archive', () => {
  it('is a valid Frictionless Tabular Data Package whose every CSV matches its Table Schema', async () => {
    const files = await archive('ichinoseki');
    const out = path.join(dir, 'ichinoseki');
    mkdirSync(out, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) {
      // datapackage-js (the Frictionless JavaScript library) does not skip a UTF-8 BOM the way
      // frictionless-py does; the BOM is checked below and taken off for this validator only.
      const text = strFromU8(bytes);
      writeFileSync(path.join(dir, name), name.endsWith('.csv') ? text.replace(/^\uFEFF/, '') : text);
    }
    const pkg = await Package.load(path.join(out, 'datapackage.json'));
    expect(pkg.errors.map((e: Error) => e.message)).toEqual([]);
    expect(pkg.valid).toBe(true);
    // Checked against the Tabular Data Package profile (every resource a tabular resource with a Table Schema).
    expect((pkg.descriptor as unknown as { profile: string }).profile).toBe('tabular-data-package');
    expect(pkg.resources.every((r) => (r.descriptor as unknown as { profile: string }).profile === 'tabular-data-resource')).toBe(true);
    expect(pkg.descriptor.licenses).toEqual([{ name: 'CC-BY-4.0', path: 'https://creativecommons.org/licenses/by/4.0/', title: 'Creative Commons Attribution 4.0 International (CC BY 4.0)' }]);
    let checked = 0;
    for (const resource of pkg.resources) {
      const bytes = files[`ichinoseki/${resource.descriptor.path}`]!;
      expect([...bytes.slice(0, 3)], resource.name).toEqual(BOM_BYTES);
      const csv = strFromU8(bytes);
      const [header, ...rows] = lines(csv);
      expect(header!.split(','), resource.name).toEqual(resource.descriptor.schema.fields.map((f: { name: string }) => f.name));
      expect(header!.startsWith('local_government_code,'), resource.name).toBe(true);
      if (rows.length === 0) continue; // the library cannot read a header-only file; its header was checked above
      // Casting every cell by the schema throws on a value the schema does not allow.
      const read = (await resource.read({ keyed: true, cast: true })) as Record<string, unknown>[];
      expect(read.length, resource.name).toBeGreaterThan(0);
      expect(read.every((r) => r.local_government_code === '032093'), resource.name).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);

    // The validator does catch a cell its schema does not allow: a word in the number column.
    const series = strFromU8(files['ichinoseki/kpi-series.csv']!).replace(/^\uFEFF/, '').replace(',13,,', ',thirteen,,');
    writeFileSync(path.join(out, 'kpi-series.csv'), series);
    const broken = await Package.load(path.join(out, 'datapackage.json'));
    await expect(broken.getResource('kpi-series')!.read({ cast: true })).rejects.toThrow();

    // And a descriptor the profiles refuse: a field type Table Schema does not have, a resource without a path.
    const descriptor = JSON.parse(strFromU8(files['ichinoseki/datapackage.json']!)) as { resources: { path?: string; schema: { fields: { type: string }[] } }[] };
    descriptor.resources[0]!.schema.fields[0]!.type = 'text';
    const wrongType = await Package.load(descriptor, { basePath: out });
    expect(wrongType.valid).toBe(false);
    delete descriptor.resources[1]!.path;
    descriptor.resources[0]!.schema.fields[0]!.type = 'string';
    const noPath = await Package.load(descriptor, { basePath: out });
    expect(noPath.valid).toBe(false);
  });

  it('its CSVW metadata follows the CSVW metadata rules, and every CSV it describes matches its columns and datatypes', async () => {
    const files = await archive('ichinoseki');
    const csvFiles = Object.fromEntries(Object.entries(files).filter(([n]) => n.endsWith('.csv') && !n.endsWith('.sdmx.csv')).map(([n, b]) => [n.replace('ichinoseki/', ''), strFromU8(b)]));
    const metadata = JSON.parse(strFromU8(files['ichinoseki/csv-metadata.json']!)) as { tables: { url: string; tableSchema: { columns: { name: string; datatype: string }[] } }[] };
    expect(csvwProblems(metadata, csvFiles)).toEqual([]);
    // Every CSV of the archive (but the SDMX-CSV, which is its own format) is described.
    expect(metadata.tables.map((t) => t.url).sort()).toEqual(Object.keys(csvFiles).sort());
    expect(metadata.tables.flatMap((t) => t.tableSchema.columns.map((c) => c.datatype))).toEqual(expect.arrayContaining(['string', 'double', 'date']));
    // The rules catch what they check: a wrong context, a column name with a space, an unknown datatype, a cell not of its type, a header that differs.
    const broken = JSON.parse(JSON.stringify(metadata)) as typeof metadata & { '@context': unknown };
    broken['@context'] = 'http://example.org/context';
    broken.tables[0]!.tableSchema.columns[1]!.name = 'city id';
    broken.tables[0]!.tableSchema.columns[2]!.datatype = 'float64';
    const series = metadata.tables.findIndex((t) => t.url === 'kpi-series.csv');
    const problems = csvwProblems(broken, { ...csvFiles, 'kpi-series.csv': csvFiles['kpi-series.csv']!.replace(',2020-01-01,', ',2020/01/01,'), 'kpis.csv': csvFiles['kpis.csv']!.replace('local_government_code,', 'code,') });
    expect(problems.some((p) => p.startsWith('@context'))).toBe(true);
    expect(problems.some((p) => p.includes('"city id"'))).toBe(true);
    expect(problems.some((p) => p.includes('"float64" is not a built-in datatype'))).toBe(true);
    expect(problems.some((p) => p.includes('"2020/01/01" is not a date'))).toBe(true);
    expect(problems.some((p) => p.startsWith('kpis.csv: header row'))).toBe(true);
    expect(series).toBeGreaterThanOrEqual(0);
  });

  it('holds CSVW metadata, the licence, and the KPI series with baseline, actuals and targets in ISO dates with 和暦', async () => {
    const files = await archive('ichinoseki');
    const csvw = JSON.parse(strFromU8(files['ichinoseki/csv-metadata.json']!));
    expect(csvw['@context'][0]).toBe('http://www.w3.org/ns/csvw');
    expect(csvw['dc:license']).toEqual({ '@id': 'https://creativecommons.org/licenses/by/4.0/' });
    const kpiSeries = csvw.tables.find((t: { url: string }) => t.url === 'kpi-series.csv');
    expect(kpiSeries.tableSchema.columns.map((c: { name: string }) => c.name).slice(0, 3)).toEqual(['local_government_code', 'city_id', 'kpi_id']);
    expect(kpiSeries.tableSchema.columns.find((c: { name: string }) => c.name === 'at_start').datatype).toBe('date');
    expect(strFromU8(files['ichinoseki/LICENSE.txt']!)).toContain('CC BY 4.0');
    expect(strFromU8(files['ichinoseki/README.txt']!)).toContain('https://creativecommons.org/licenses/by/4.0/');
    const series = lines(strFromU8(files['ichinoseki/kpi-series.csv']!)).filter((l) => l.includes(',new-farmers,'));
    expect(series).toEqual([
      '032093,ichinoseki,new-farmers,新規就農者数※累計,人,2.3 2.4 8.3 8.5,baseline,,2020,令和2年,2020-01-01,2020-12-31,13,,',
      '032093,ichinoseki,new-farmers,新規就農者数※累計,人,2.3 2.4 8.3 8.5,actual,,2023,令和5年,2023-01-01,2023-12-31,101,0,',
      '032093,ichinoseki,new-farmers,新規就農者数※累計,人,2.3 2.4 8.3 8.5,target,2025,2025,令和7年,2025-01-01,2025-12-31,157,,',
    ]);
  });

  it('holds the KPI series as SDMX-CSV, one series per SDG target', async () => {
    const files = await archive('ichinoseki');
    const sdmx = lines(strFromU8(files['ichinoseki/kpi-series.sdmx.csv']!));
    expect(sdmx[0]).toBe('DATAFLOW,REF_AREA,INDICATOR,SERIES_TYPE,SDG_TARGET,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,REPORTING_YEAR_START_DAY,TITLE');
    const farmers = sdmx.filter((l) => l.includes(',new-farmers,'));
    expect(farmers).toHaveLength(4 * 3);
    expect(farmers).toContain('MICHISHIRUBE:DF_KPI_SERIES(1.0),032093,new-farmers,TARGET,8_5,2025,157,人,,新規就農者数※累計');
    // SDG targets as SDMX code ids: a dot would split the series key (2.3 → 2_3).
    expect(new Set(farmers.map((l) => l.split(',')[4]))).toEqual(new Set(['2_3', '2_4', '8_3', '8_5']));
    // Every row has the same number of cells as the header, and a time period in an SDMX form.
    for (const l of sdmx.slice(1)) expect(l.split(',')[5]).toMatch(/^\d{4}(-\d{2}(-\d{2})?|-A1)?(\/\d{4}-\d{2}-\d{2})?$|^\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}$/);
    // The SDMX-CSV rules, on every city's file (records parsed as RFC 4180, not split on commas).
    const dimensions = ['REF_AREA', 'INDICATOR', 'SERIES_TYPE', 'SDG_TARGET'];
    for (const city of ['ichinoseki', 'tsukuba', 'kanazawa']) {
      const text = strFromU8((await archive(city))[`${city}/kpi-series.sdmx.csv`]!);
      expect(sdmxCsvProblems(text, dimensions), city).toEqual([]);
    }
    const text = strFromU8(files['ichinoseki/kpi-series.sdmx.csv']!);
    expect(sdmxCsvProblems(text.replace('DATAFLOW,', 'FLOW,'), dimensions)).toEqual(['header: the first column must be DATAFLOW']);
    expect(sdmxCsvProblems(text.replace('MICHISHIRUBE:DF_KPI_SERIES(1.0),032093,new-farmers,TARGET,8_5,2025,157', 'MICHISHIRUBE:DF_KPI_SERIES,032093,new farmers,TARGET,8_5,2025年,百五十七'), dimensions)).toEqual([
      'record 13: DATAFLOW "MICHISHIRUBE:DF_KPI_SERIES" is not AGENCY:ID(VERSION)',
      'record 13: dimension INDICATOR "new farmers" is not an SDMX id',
      'record 13: TIME_PERIOD "2025年" is not an SDMX time period',
      'record 13: OBS_VALUE "百五十七" is not a number',
    ].map((p) => expect.stringContaining(p.slice(p.indexOf(':') + 2))));
  });
});

describe('single downloads and the licence per city', () => {
  it('a KPI’s CSV holds its baseline and every target, not only actuals, with the code first and the licence linked', async () => {
    const r = await get('/cities/ichinoseki/kpis/new-farmers?format=csv');
    expect([...r.bytes.slice(0, 3)]).toEqual(BOM_BYTES);
    expect(r.headers.get('link')).toBe('<https://creativecommons.org/licenses/by/4.0/>; rel="license"');
    const [header, ...rows] = lines(r.text);
    expect(header!.split(',')[0]).toBe('local_government_code');
    expect(rows.map((l) => l.split(',')[6])).toEqual(['baseline', 'actual', 'target']);
    const list = await get('/cities/tsukuba/kpis?format=csv');
    expect(lines(list.text)[1]!.startsWith('082201,tsukuba,')).toBe(true);
  });

  it('a city that chose 公共データ利用規約 has it on the open-data page and in every file of its archive', async () => {
    const tsukuba = (await readSeedCities()).find((c) => c.city.id === 'tsukuba')!;
    await saveCityData(ctx.db, { ...tsukuba, city: { ...tsukuba.city, openDataLicence: 'PDL-1.0' } }, 'test');
    ctx.store.invalidate('tsukuba');
    await ctx.store.settled();
    const files = await archive('tsukuba');
    const pkg = JSON.parse(strFromU8(files['tsukuba/datapackage.json']!));
    expect(pkg.licenses[0].name).toBe('PDL-1.0');
    expect(pkg.resources.every((r: { licenses: { name: string }[] }) => r.licenses[0]!.name === 'PDL-1.0')).toBe(true);
    expect(JSON.parse(strFromU8(files['tsukuba/csv-metadata.json']!))['dc:license']['@id']).toBe('https://www.digital.go.jp/resources/open_data/public_data_license_v1.0');
    expect(strFromU8(files['tsukuba/LICENSE.txt']!)).toContain('公共データ利用規約（第1.0版）');
    const page = await get('/data');
    expect(page.text).toMatch(/つくば市[\s\S]*?公共データ利用規約（第1.0版）/);
    expect(page.text).toMatch(/一関市[\s\S]*?CC BY 4.0/);
    const en = await get('/data?lang=en');
    expect(en.text).toContain('Public Data License (Version 1.0)');
  });

  it('refuses a malformed 全国地方公共団体コード in a plan data file, naming the field', async () => {
    const { readPlanData } = await import('../../src/formats/plan-data/plan-data.reader.ts');
    const { cityDataFileSchema } = await import('../../src/formats/plan-data/plan-data.schema.ts');
    const city = { id: 'x', name: 'x', nameEn: 'x', prefecture: '岩手県', prefectureEn: 'Iwate' };
    const file = (extra: object) => ({ format: 'michishirube-plan-data/1', city: { ...city, ...extra }, documents: [], kpis: [], plans: [] });
    const wrong = readPlanData(file({ localGovernmentCode: '032094' }));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.map((p) => p.path)).toContain('city.localGovernmentCode');
    expect(readPlanData(file({ localGovernmentCode: '032093' })).ok).toBe(true);
    expect(cityDataFileSchema.safeParse(file({ openDataLicence: 'MIT' })).success).toBe(false);
  });
});
