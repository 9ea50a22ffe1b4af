import { Inflate } from 'fflate';

/** Limits an uploaded workbook must keep before anything parses it. */
export interface ZipLimits {
  /** Sum of the entries' uncompressed sizes. */
  readonly maxUncompressedBytes: number;
  readonly maxEntries: number;
  /** Uncompressed / compressed of one entry; XML compresses about 10–30×, a bomb thousands. */
  readonly maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 300 * 1024 * 1024, maxEntries: 2000, maxRatio: 1000 };

export type ZipGuardError =
  | { readonly kind: 'not-a-zip' }
  | { readonly kind: 'zip-bomb'; readonly detail: string }
  | { readonly kind: 'corrupt-zip'; readonly detail: string };

/** What the guard learnt on the way: merged ranges and external-link parts, per worksheet file. */
export interface ZipInspection {
  readonly entries: number;
  readonly uncompressedBytes: number;
  /** `xl/worksheets/sheet1.xml` → ["A1:C1", …]. */
  readonly merges: ReadonlyMap<string, readonly string[]>;
  /** Whether the workbook links other workbooks (xl/externalLinks/). */
  readonly externalLinks: boolean;
  /** The workbook's keywords (docProps/core.xml), where this system marks its own exports. */
  readonly keywords: string | null;
}

/**
 * Checks a .xlsx (a zip) before ExcelJS sees it: reads the central directory itself, refuses
 * more than `maxUncompressedBytes` in all or an entry compressed beyond `maxRatio`, then inflates
 * every entry in a streaming way, counting bytes, so an entry that lies about its size is
 * stopped as soon as it outgrows the declaration. Yields to the event loop between chunks so a
 * server keeps answering. Collects `<mergeCell>` ranges on the way (ExcelJS's streaming reader
 * does not report them).
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
  let total = 0;
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
    total += uncompressed;
    if (total > limits.maxUncompressedBytes) return { ok: false, error: { kind: 'zip-bomb', detail: `more than ${limits.maxUncompressedBytes} bytes uncompressed` } };
    if (uncompressed > 1024 * 1024 && uncompressed / Math.max(1, compressed) > limits.maxRatio) {
      return { ok: false, error: { kind: 'zip-bomb', detail: `${name} expands ${Math.round(uncompressed / Math.max(1, compressed))}×` } };
    }
    if (method !== 0 && method !== 8) return { ok: false, error: { kind: 'corrupt-zip', detail: `${name}: compression method ${method}` } };
    entries.push({ name, method, compressed, uncompressed, local });
  }

  const merges = new Map<string, string[]>();
  let externalLinks = false;
  let keywords: string | null = null;
  for (const e of entries) {
    if (e.name.startsWith('xl/externalLinks/')) externalLinks = true;
    if (e.local + 30 > bytes.length || view.getUint32(e.local, true) !== 0x04034b50) return { ok: false, error: { kind: 'corrupt-zip', detail: `${e.name}: bad local header` } };
    const start = e.local + 30 + view.getUint16(e.local + 26, true) + view.getUint16(e.local + 28, true);
    const data = bytes.subarray(start, start + e.compressed);
    const isSheet = /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name);
    const isCore = e.name === 'docProps/core.xml' && e.uncompressed < 65536;
    let core = '';
    const found: string[] = [];
    let carry = '';
    const textDecoder = new TextDecoder();
    const scan = (chunk: Uint8Array, final: boolean) => {
      if (isCore) core += textDecoder.decode(chunk, { stream: !final });
      if (!isSheet) return;
      const text = carry + textDecoder.decode(chunk, { stream: !final });
      for (const m of text.matchAll(/<mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"/g)) if (!found.includes(m[1]!)) found.push(m[1]!);
      carry = text.slice(-200);
    };
    let produced = 0;
    let overflow = false;
    if (e.method === 0) {
      produced = data.length;
      scan(data, true);
    } else {
      const inflate = new Inflate((chunk, final) => {
        produced += chunk.length;
        if (produced > e.uncompressed) overflow = true;
        else scan(chunk, final);
      });
      const step = 256 * 1024;
      try {
        for (let o = 0; o < data.length && !overflow; o += step) {
          inflate.push(data.subarray(o, Math.min(data.length, o + step)), o + step >= data.length);
          await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        return { ok: false, error: { kind: 'corrupt-zip', detail: `${e.name}: ${err instanceof Error ? err.message : String(err)}` } };
      }
    }
    if (overflow) return { ok: false, error: { kind: 'zip-bomb', detail: `${e.name} inflates beyond its declared ${e.uncompressed} bytes` } };
    if (isSheet && found.length > 0) merges.set(e.name, found);
    if (isCore) keywords = /<cp:keywords>([^<]*)<\/cp:keywords>/.exec(core)?.[1] ?? null;
  }
  return { ok: true, value: { entries: entries.length, uncompressedBytes: total, merges, externalLinks, keywords } };
}
