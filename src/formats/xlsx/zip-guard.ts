import { Inflate } from 'fflate';
import { columnName } from '../csv/observation-rows.ts';

/**
 * Limits an uploaded workbook must keep before anything parses it. Every byte limit counts the
 * bytes actually inflated, never the sizes the zip declares (a zip may lie about them).
 */
export interface ZipLimits {
  /** Sum of the entries' inflated sizes. */
  readonly maxUncompressedBytes: number;
  /** Inflated size of any one part (a worksheet, the shared strings). */
  readonly maxPartBytes: number;
  readonly maxEntries: number;
  /** Uncompressed / compressed of one entry; XML compresses about 10–30×, a bomb thousands. */
  readonly maxRatio: number;
  /** Entries of the shared-string table (each becomes a string object in a reader). */
  readonly maxSharedStrings: number;
  /** Cells (`<c>`) of all worksheets together. */
  readonly maxCells: number;
  /** The last column a cell may sit in (1-based). */
  readonly maxColumns: number;
  /** Characters of one cell's text: Excel's own limit is 32,767 (Excel specifications and limits). */
  readonly maxCellChars: number;
  /** Nesting of XML elements; a worksheet needs about 6, a parser that recurses runs out of stack deep down. */
  readonly maxXmlDepth: number;
}

/**
 * The limits of the observation import: a 100,000-row template (800,000 cells, ~40 MB of XML)
 * fits with room; the hostile files (287 MB of shared strings, 3,000,000 strings, a
 * cell in column XFD, 100,000 nested elements) do not.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxPartBytes: 120 * 1024 * 1024,
  maxEntries: 2000,
  maxRatio: 1000,
  maxSharedStrings: 500_000,
  maxCells: 1_000_000,
  maxColumns: 1024,
  maxCellChars: 32_767,
  maxXmlDepth: 64,
};

export type ZipGuardError =
  | { readonly kind: 'not-a-zip' }
  | { readonly kind: 'zip-bomb'; readonly detail: string }
  | { readonly kind: 'corrupt-zip'; readonly detail: string }
  /** VBA (xl/vbaProject.bin) or Excel 4.0 macro sheets: code that runs when the file is opened. */
  | { readonly kind: 'macro-enabled'; readonly part: string }
  /** Something that reaches outside the file: another workbook, a data connection, a WEBSERVICE or DDE formula. */
  | { readonly kind: 'calls-out'; readonly detail: string }
  /** A DOCTYPE (entity expansion, external entities): OOXML never has one. */
  | { readonly kind: 'xml-doctype'; readonly part: string }
  | { readonly kind: 'xml-too-deep'; readonly part: string; readonly limit: number }
  | { readonly kind: 'too-many-shared-strings'; readonly limit: number }
  | { readonly kind: 'too-many-cells'; readonly limit: number }
  /** `place` is `sheet1!XFD3` (the worksheet part and the cell). */
  | { readonly kind: 'too-many-columns'; readonly place: string; readonly limit: number }
  /** `place` is `sheet1!G2`, or `sharedStrings #12` for the 12th shared string. */
  | { readonly kind: 'cell-too-long'; readonly place: string; readonly limit: number };

/** What the guard learnt on the way: merged ranges and external-link parts, per worksheet file. */
export interface ZipInspection {
  readonly entries: number;
  readonly uncompressedBytes: number;
  /** `xl/worksheets/sheet1.xml` → ["A1:C1", …]. */
  readonly merges: ReadonlyMap<string, readonly string[]>;
  /** Whether the workbook links other workbooks (xl/externalLinks/); such a workbook is refused, so always false on success. */
  readonly externalLinks: boolean;
  /** The workbook's keywords (docProps/core.xml), where this system marks its own exports. */
  readonly keywords: string | null;
}

/**
 * Functions whose formula reaches outside the workbook when Excel recalculates: WEBSERVICE
 * (fetches a URL, leaking cells in it), IMAGE (fetches a URL), RTD and DDE (talk to programs),
 * CALL / REGISTER (call DLLs). `cmd|' /C calc'!A0` is the DDE form.
 */
const CALLING_OUT = /(?:^|[^A-Za-z0-9_.])(?:_xlfn\.)?(WEBSERVICE|IMAGE|RTD|CALL|REGISTER(?:\.ID)?|EXEC)\s*\(|[A-Za-z0-9_.]+\|'/i;

/** Parts that make a workbook reach outside itself or run code, by name. */
function refusedPart(name: string): ZipGuardError | null {
  const lower = name.toLowerCase();
  if (/(^|\/)vbaproject\.bin$/.test(lower) || /(^|\/)vbaprojectsignature/.test(lower) || lower.startsWith('xl/macrosheets/') || lower.startsWith('xl/dialogsheets/')) return { kind: 'macro-enabled', part: name };
  if (lower.startsWith('xl/externallinks/')) return { kind: 'calls-out', detail: `a link to another workbook (${name})` };
  if (lower === 'xl/connections.xml' || lower.startsWith('xl/querytables/')) return { kind: 'calls-out', detail: `a data connection (${name})` };
  return null;
}

/**
 * Checks a .xlsx (a zip) before ExcelJS sees it. Reads the central directory itself and refuses
 * ZIP64, too many entries, a compression ratio beyond `maxRatio`, macros and parts that reach
 * outside the file; then inflates every entry in small slices, counting the bytes that come out,
 * so an entry that lies about its size, or a bomb, is stopped after at most a few MB more than
 * the limit (a slice of 16 kB inflates to at most ~16 MB). On the way it scans the XML:
 * DOCTYPEs, nesting depth, shared-string count, cells, columns, cell length and formulas
 * that call out. Collects `<mergeCell>` ranges (ExcelJS's streaming reader does not report them).
 */
export async function inspectXlsxZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<{ ok: true; value: ZipInspection } | { ok: false; error: ZipGuardError }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22 || view.getUint32(0, true) !== 0x04034b50) return { ok: false, error: { kind: 'not-a-zip' } };
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, error: { kind: 'corrupt-zip', detail: 'no end of central directory' } };
  const count = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) return { ok: false, error: { kind: 'zip-bomb', detail: 'ZIP64 archives are not accepted' } };
  if (count > limits.maxEntries) return { ok: false, error: { kind: 'zip-bomb', detail: `${count} entries (at most ${limits.maxEntries})` } };

  interface Entry {
    name: string;
    method: number;
    compressed: number;
    uncompressed: number;
    local: number;
  }
  const entries: Entry[] = [];
  let declaredTotal = 0;
  let p = cdOffset;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return { ok: false, error: { kind: 'corrupt-zip', detail: 'bad central directory' } };
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const uncompressed = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) return { ok: false, error: { kind: 'zip-bomb', detail: 'ZIP64 entries are not accepted' } };
    const refused = refusedPart(name);
    if (refused) return { ok: false, error: refused };
    declaredTotal += uncompressed;
    if (declaredTotal > limits.maxUncompressedBytes) return { ok: false, error: { kind: 'zip-bomb', detail: `more than ${mb(limits.maxUncompressedBytes)} uncompressed` } };
    if (uncompressed > 1024 * 1024 && uncompressed / Math.max(1, compressed) > limits.maxRatio) {
      return { ok: false, error: { kind: 'zip-bomb', detail: `${name} expands ${Math.round(uncompressed / Math.max(1, compressed))}×` } };
    }
    if (method !== 0 && method !== 8) return { ok: false, error: { kind: 'corrupt-zip', detail: `${name}: compression method ${method}` } };
    entries.push({ name, method, compressed, uncompressed, local });
  }

  // ExcelJS's unzipper reads the local headers one after another, not the central directory: the
  // local entries must be exactly the directory's (same names and sizes, end to end, nothing
  // between or hidden before the directory), or a part the guard never saw would be parsed.
  const starts = new Map<Entry, number>();
  let expected = 0;
  for (const e of [...entries].sort((a, b) => a.local - b.local)) {
    const bad = (why: string) => ({ ok: false as const, error: { kind: 'corrupt-zip' as const, detail: `${e.name}: ${why}` } });
    if (e.local !== expected) return bad('the entries do not follow one another (hidden data between them)');
    if (e.local + 30 > bytes.length || view.getUint32(e.local, true) !== 0x04034b50) return bad('bad local header');
    const flags = view.getUint16(e.local + 6, true);
    if ((flags & 0x8) === 0 && (view.getUint32(e.local + 18, true) !== e.compressed || view.getUint32(e.local + 22, true) !== e.uncompressed)) {
      return bad('the local header and the central directory give different sizes');
    }
    const nameLen = view.getUint16(e.local + 26, true);
    if (decoder.decode(bytes.subarray(e.local + 30, e.local + 30 + nameLen)) !== e.name) return bad('the local header names another file');
    const start = e.local + 30 + nameLen + view.getUint16(e.local + 28, true);
    let end = start + e.compressed;
    if (end > cdOffset) return bad('truncated');
    // A data descriptor (flag bit 3) follows the data: 12 bytes, or 16 with its signature.
    if (flags & 0x8) end += end + 4 <= bytes.length && view.getUint32(end, true) === 0x08074b50 ? 16 : 12;
    starts.set(e, start);
    expected = end;
  }
  if (expected !== cdOffset) return { ok: false, error: { kind: 'corrupt-zip', detail: 'data between the last entry and the central directory' } };

  const merges = new Map<string, string[]>();
  let keywords: string | null = null;
  let total = 0;
  const counters = { cells: 0, sharedStrings: 0 };
  for (const e of entries) {
    const start = starts.get(e)!;
    const data = bytes.subarray(start, start + e.compressed);
    // ExcelJS takes any entry whose path contains this (unanchored) as a worksheet: so does the guard.
    const isSheet = /xl\/worksheets\/sheet\d+[.]xml/.test(e.name);
    const isSharedStrings = e.name === 'xl/sharedStrings.xml';
    const isCore = e.name === 'docProps/core.xml' && e.uncompressed < 65536;
    const isXml = isSheet || isSharedStrings || /\.(xml|rels|vml)$/i.test(e.name);
    const scanner = isXml ? new XmlScanner(e.name, isSheet ? 'sheet' : isSharedStrings ? 'shared-strings' : 'other', limits, counters) : null;
    let core = '';
    const textDecoder = new TextDecoder();
    let produced = 0;
    let stop: ZipGuardError | null = null;
    const take = (chunk: Uint8Array, final: boolean) => {
      if (stop) return;
      produced += chunk.length;
      if (produced > e.uncompressed) stop = { kind: 'zip-bomb', detail: `${e.name} inflates beyond its declared ${e.uncompressed} bytes` };
      else if (produced > limits.maxPartBytes) stop = { kind: 'zip-bomb', detail: `${e.name} is larger than ${mb(limits.maxPartBytes)}` };
      else if (total + produced > limits.maxUncompressedBytes) stop = { kind: 'zip-bomb', detail: `more than ${mb(limits.maxUncompressedBytes)} uncompressed` };
      if (stop || !scanner) return;
      const text = textDecoder.decode(chunk, { stream: !final });
      if (isCore) core += text;
      stop = scanner.push(text);
    };
    if (e.method === 0) {
      take(data, true);
    } else {
      const inflate = new Inflate((chunk, final) => take(chunk, final));
      // Small slices: what one push may inflate to is bounded (~1032× its size), and checked after it.
      const step = 16 * 1024;
      try {
        for (let o = 0, n = 0; o < data.length && !stop; o += step, n++) {
          inflate.push(data.subarray(o, Math.min(data.length, o + step)), o + step >= data.length);
          if (n % 64 === 63) await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        return { ok: false, error: { kind: 'corrupt-zip', detail: `${e.name}: ${err instanceof Error ? err.message : String(err)}` } };
      }
    }
    if (stop) return { ok: false, error: stop };
    if (produced !== e.uncompressed) return { ok: false, error: { kind: 'corrupt-zip', detail: `${e.name} inflates to ${produced} bytes, not the declared ${e.uncompressed}` } };
    total += produced;
    if (scanner) {
      const end = scanner.end();
      if (end) return { ok: false, error: end };
      if (isSheet && scanner.merges.length > 0) merges.set(e.name, scanner.merges);
    }
    if (isCore) keywords = /<cp:keywords>([^<]*)<\/cp:keywords>/.exec(core)?.[1] ?? null;
  }
  return { ok: true, value: { entries: entries.length, uncompressedBytes: total, merges, externalLinks: false, keywords } };
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

/**
 * A streaming look at one XML part, fed decoded text in chunks of any size: finds tags with a
 * regular expression (a tag cut by a chunk's end waits for the next chunk), counts depth, cells
 * and shared strings, measures text, reads formulas and merged ranges. It does not build a
 * tree, so its memory is one chunk and one formula.
 */
class XmlScanner {
  readonly merges: string[] = [];
  private carry = '';
  private depth = 0;
  private place = '';
  private rowNumber = 0;
  private columnInRow = 0;
  private textChars = 0;
  private inFormula = false;
  private formula = '';
  private readonly sheetName: string;

  constructor(
    private readonly part: string,
    private readonly kind: 'sheet' | 'shared-strings' | 'other',
    private readonly limits: ZipLimits,
    private readonly counters: { cells: number; sharedStrings: number },
  ) {
    this.sheetName = part.replace(/^.*\//, '').replace(/\.xml$/, '');
  }

  /** Scans the next piece of text; a refusal, or null to go on. */
  push(chunk: string): ZipGuardError | null {
    const text = this.carry + chunk;
    const tag = /<[^<>]*>/g;
    let last = 0;
    for (let m = tag.exec(text); m; m = tag.exec(text)) {
      const err = this.text(text, last, m.index) ?? this.tag(m[0]);
      if (err) return err;
      last = tag.lastIndex;
    }
    // What follows the last complete tag: text, and maybe the start of a tag.
    const open = text.indexOf('<', last);
    const err = this.text(text, last, open < 0 ? text.length : open);
    if (err) return err;
    this.carry = open < 0 ? '' : text.slice(open);
    if (this.carry.length > 64 * 1024) return { kind: 'corrupt-zip', detail: `${this.part}: a tag longer than 64 kB` };
    return null;
  }

  /** At the end of the part. */
  end(): ZipGuardError | null {
    return this.carry.trim() === '' ? null : { kind: 'corrupt-zip', detail: `${this.part}: ends inside a tag` };
  }

  private text(text: string, from: number, to: number): ZipGuardError | null {
    if (to <= from) return null;
    const piece = text.slice(from, to);
    if (this.inFormula && this.formula.length < 8192) this.formula += piece;
    if (this.kind === 'other') return null;
    // An entity (&amp; &#26085;) is one character.
    let chars = piece.length;
    if (piece.includes('&')) for (const m of piece.matchAll(/&[#\w]{1,10};/g)) chars -= m[0].length - 1;
    this.textChars += chars;
    if (this.textChars > this.limits.maxCellChars) return { kind: 'cell-too-long', place: this.kind === 'sheet' ? `${this.sheetName}!${this.place}` : `sharedStrings #${this.counters.sharedStrings}`, limit: this.limits.maxCellChars };
    return null;
  }

  private tag(tag: string): ZipGuardError | null {
    const c = tag.charCodeAt(1);
    if (c === 63 /* ? */) return null;
    if (c === 33 /* ! */) return /^<!DOCTYPE|^<!ENTITY/i.test(tag) ? { kind: 'xml-doctype', part: this.part } : null;
    if (c === 47 /* / */) {
      this.depth--;
      if (this.inFormula && localName(tag.slice(2)) === 'f') {
        this.inFormula = false;
        const f = decodeEntities(this.formula);
        if (CALLING_OUT.test(f)) return { kind: 'calls-out', detail: `the formula =${f.slice(0, 80)} in ${this.sheetName}!${this.place}` };
      }
      return null;
    }
    const selfClosing = tag.endsWith('/>');
    if (!selfClosing && ++this.depth > this.limits.maxXmlDepth) return { kind: 'xml-too-deep', part: this.part, limit: this.limits.maxXmlDepth };
    const name = localName(tag.slice(1));
    if (this.kind === 'shared-strings') {
      if (name === 'si') {
        this.textChars = 0;
        if (++this.counters.sharedStrings > this.limits.maxSharedStrings) return { kind: 'too-many-shared-strings', limit: this.limits.maxSharedStrings };
      }
      // Phonetic guides (<rPh>) are text too, but not the cell's; they count with it, which is stricter.
      return null;
    }
    if (this.kind !== 'sheet') return null;
    if (name === 'row') {
      const r = /\sr\s*=\s*["'](\d+)["']/.exec(tag);
      this.rowNumber = r ? Number(r[1]) : this.rowNumber + 1;
      this.columnInRow = 0;
    } else if (name === 'c') {
      this.textChars = 0;
      if (++this.counters.cells > this.limits.maxCells) return { kind: 'too-many-cells', limit: this.limits.maxCells };
      // Any letters: a reader turns "AAAA1" into column 18,279 just the same.
      const ref = /\sr\s*=\s*["']\$?([A-Za-z]{1,12})\$?(\d+)["']/.exec(tag);
      const letters = ref?.[1]!.toUpperCase();
      this.columnInRow = letters ? columnNumber(letters) : this.columnInRow + 1;
      this.place = letters ? `${letters}${ref![2]}` : `${columnName(Math.min(this.columnInRow, 20000) - 1)}${this.rowNumber}`;
      if (this.columnInRow > this.limits.maxColumns) return { kind: 'too-many-columns', place: `${this.sheetName}!${this.place}`, limit: this.limits.maxColumns };
    } else if (name === 'f' && !selfClosing) {
      this.inFormula = true;
      this.formula = '';
    } else if (name === 'mergeCell') {
      const ref = /\sref\s*=\s*["']([A-Z]+\d+(?::[A-Z]+\d+)?)["']/.exec(tag)?.[1];
      if (ref && !this.merges.includes(ref) && this.merges.length < 10_000) this.merges.push(ref);
    }
    return null;
  }
}

/** The element name at the start of `s` without its namespace prefix (`x:c r="A1"` → `c`). */
function localName(s: string): string {
  const name = /^\s*([^\s/>]+)/.exec(s)?.[1] ?? '';
  return name.slice(name.indexOf(':') + 1);
}

function columnNumber(letters: string): number {
  let col = 0;
  for (const ch of letters) col = col * 26 + ch.charCodeAt(0) - 64;
  return col;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}
