import iconv from 'iconv-lite';

/**
 * The text encodings a Japanese city's CSV arrives in: UTF-8 (with or without BOM), Shift_JIS
 * (Windows-31J, what Excel writes as 「CSV」), and UTF-16 in either byte order (Excel's
 * 「Unicode テキスト」 is UTF-16 LE with a BOM; other tools write BE or leave the BOM out).
 */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis' | 'utf-16le' | 'utf-16be';

/** The iconv-lite name of an encoding. */
export function iconvName(encoding: TextEncoding): string {
  switch (encoding) {
    case 'shift_jis':
      return 'cp932';
    case 'utf-16le':
      return 'utf-16le';
    case 'utf-16be':
      return 'utf-16be';
    case 'utf-8':
    case 'utf-8-bom':
      return 'utf-8';
  }
}

/**
 * The encoding told by the first bytes of a file, when they tell one: a BOM (UTF-8, UTF-16 LE
 * or BE), or UTF-16 without BOM recognised by its zero bytes (text in the tables' alphabet
 * has a zero high byte in most ASCII characters: digits, commas, tabs, line breaks), which
 * neither UTF-8 nor Shift_JIS text ever contains. undefined: decide between UTF-8 and Shift_JIS.
 */
export function sniffEncoding(head: Uint8Array): TextEncoding | undefined {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length - (head.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  // Zeros in one position only, in a good share of the characters: UTF-16 of that byte order.
  if (oddZeros >= pairs * 0.1 && evenZeros * 4 < oddZeros) return 'utf-16le';
  if (evenZeros >= pairs * 0.1 && oddZeros * 4 < evenZeros) return 'utf-16be';
  return undefined;
}

/**
 * Decodes a file as UTF-16 (by BOM or zero bytes), UTF-8 (with or without BOM) or, when it is
 * not valid UTF-8, as Shift_JIS in its Windows-31J form (cp932), which is what Excel writes in Japan.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sniffed = sniffEncoding(bytes.subarray(0, 4096));
  if (sniffed === 'utf-8-bom') return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (sniffed === 'utf-16le' || sniffed === 'utf-16be') return { text: iconv.decode(buf, sniffed, { stripBOM: true }), encoding: sniffed };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buf, 'cp932'), encoding: 'shift_jis' };
  }
}

/**
 * The field separator of a delimited text: a tab when the first lines hold one outside quotes
 * (Excel's 「テキスト（タブ区切り）」 and 「Unicode テキスト」 saves, often named .txt or even .csv),
 * otherwise a comma. Tabs never appear in a cell of a table typed by hand, while commas do
 * (「1,111」), so one tab is enough to tell.
 */
export function detectDelimiter(head: string): ',' | '\t' {
  let quoted = false;
  let lines = 0;
  for (const ch of head.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\t') return '\t';
    else if (!quoted && ch === '\n' && ++lines >= 20) break;
  }
  return ',';
}
