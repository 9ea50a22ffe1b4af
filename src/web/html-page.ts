import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { PageParts } from './views/layout.tsx';
import { markSecured, securityHeadersFor } from './middleware/security-headers.ts';

/**
 * A rendered page answered as UTF-8 bytes with plain-record headers, the Node adapter's fast path
 * (issue 11.4). `c.html()` hands the adapter a string built of thousands of pieces, which it then
 * flattens, measures (`Buffer.byteLength`) and encodes again on the socket: for a 40 kB Japanese
 * page that was a third of the server's CPU per request. Here the text is encoded once, into a
 * reused buffer, and the answer carries its security headers from the start (the middleware's
 * set for this request, security-headers.ts), so nothing rebuilds its headers afterwards.
 * A page given as {@link PageParts} (text around kept bytes, fragment-cache.ts) is encoded and
 * joined into one buffer.
 * Answers `status` (default 200) with `text/html; charset=UTF-8`.
 */
export async function htmlPage(c: Context, page: HtmlEscapedString | Promise<HtmlEscapedString> | PageParts, status: 200 | 404 = 200): Promise<Response> {
  // A JSX element renders on toString(); views here are synchronous, but await what it gives anyway.
  const body = Array.isArray(page) ? joinParts(page as PageParts) : encodeUtf8(String(await (await (page as HtmlEscapedString | Promise<HtmlEscapedString>)).toString()));
  return bytesAnswer(c, body, 'text/html; charset=UTF-8', status);
}

/**
 * An answer of bytes already made (a page, an API answer spliced as bytes) with its content type,
 * length and the security headers of this request from the start, as {@link htmlPage} answers:
 * the page cache keeps and compresses these bytes without reading the answer's stream
 * ({@link htmlPageBody}). The bytes are the answer's own from then on: never change them.
 */
export function bytesAnswer(c: Context, body: Uint8Array, contentType: string, status: 200 | 404 = 200): Response {
  const security = securityHeadersFor(c.req.raw);
  const headers: Record<string, string> = { ...security, 'content-type': contentType, 'content-length': String(body.byteLength) };
  const res = new Response(body, { status, headers });
  bodies.set(res, body);
  return security ? markSecured(res) : res;
}

/** The bytes each answer of {@link bytesAnswer} was made of, until the answer is dropped. */
const bodies = new WeakMap<Response, Uint8Array>();

/**
 * The body of an answer {@link bytesAnswer} (or {@link htmlPage}) made, without reading its stream (the page cache keeps
 * and compresses it: reading a Response back through its stream cost some 5 % of a page miss's
 * main thread); undefined for any other answer. The bytes are the answer's own: never change them.
 */
export function htmlPageBody(res: Response): Uint8Array | undefined {
  return bodies.get(res);
}

const encoder = new TextEncoder();
/** Scratch space for encoding: a page's only allocation is then its exact bytes. */
const scratch = new Uint8Array(1024 * 1024);

/** The parts of a page (or any answer) as one buffer: each text encoded into it as UTF-8, each byte part copied (no zero fill first). */
export function joinParts(parts: PageParts): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const p of parts) length += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.byteLength;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of parts) {
    if (typeof p === 'string') at += out.write(p, at, 'utf8');
    else {
      out.set(p, at);
      at += p.byteLength;
    }
  }
  return out;
}

/** The UTF-8 bytes of a text (at most 3 bytes per UTF-16 code unit; larger pages are encoded directly, the scratch stays 1 MB). */
function encodeUtf8(text: string): Uint8Array {
  if (text.length * 3 > scratch.byteLength) return encoder.encode(text);
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.slice(0, written);
}
