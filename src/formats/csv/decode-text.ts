import iconv from 'iconv-lite';

/** The text encodings a Japanese city's CSV arrives in. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

/**
 * Decodes a file as UTF-8 (with or without BOM) or, when it is not valid UTF-8, as
 * Shift_JIS in its Windows-31J form (cp932), which is what Excel writes in Japan.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp932'), encoding: 'shift_jis' };
  }
}
