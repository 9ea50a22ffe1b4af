import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * Markup as an escaped string, for the rows a page repeats hundreds of times (KPI tables,
 * status badges, rate bars): the same HTML the JSX would give, built by string concatenation.
 * hono/jsx costs about half a microsecond per element (a node object, its props walked,
 * names validated, a context looked up); a 281-KPI plan has some 17,000 elements, so the
 * hot rows are written here instead (issue 11.4). Everything interpolated is escaped unless it
 * is itself {@link Markup}; JSX inserts a Markup value as is.
 */
export type Markup = HtmlEscapedString;

/**
 * What a {@link markup} template may interpolate: text and numbers (escaped), markup (kept),
 * nothing (`null`, `undefined`, `false`: no output) and lists of these (joined).
 */
export type MarkupPart = string | number | Markup | null | undefined | false | readonly MarkupPart[];

const NEEDS_ESCAPE = /[&<>"']/;
const TO_ESCAPE = /[&<>"']/g;
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(TO_ESCAPE, (c) => ENTITY[c]!) : text;
}

/**
 * A tagged template that escapes what it interpolates: `markup\`<a href="${url}">${name}</a>\``.
 * Attribute values must be written in double quotes in the template. Throws (a bug, not input)
 * when handed an object that is neither markup nor a list.
 */
export function markup(strings: TemplateStringsArray, ...parts: readonly MarkupPart[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += partHtml(parts[i]) + strings[i + 1]!;
  return raw(out);
}

/** Joins markup (each part escaped as in {@link markup}). */
export function joinMarkup(parts: readonly MarkupPart[]): Markup {
  return raw(partHtml(parts));
}

function partHtml(part: MarkupPart | undefined): string {
  if (typeof part === 'string') return escapeHtml(part);
  if (typeof part === 'number') return String(part);
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) {
    let out = '';
    for (const p of part as readonly MarkupPart[]) out += partHtml(p);
    return out;
  }
  if (part instanceof String && (part as { isEscaped?: unknown }).isEscaped === true) return part.toString();
  throw new TypeError('markup: an interpolated object is neither markup nor a list');
}

/**
 * The HTML of a JSX element rendered now, for a fragment kept as text or bytes. Throws (a bug)
 * when the element renders asynchronously: the public views are synchronous.
 */
export function renderToString(node: unknown): string {
  const html = (node as { toString(): string | Promise<string> }).toString();
  if (typeof html !== 'string' && !(html instanceof String)) throw new TypeError('renderToString: an element rendered asynchronously');
  return String(html);
}
