import { z } from 'zod';

/*
 * The version fields every staff edit form carries (issue 10.4): `version`, the version of the
 * one thing the form edits, or `versions`, `key=version;…` for a form whose key the user picks
 * (a year, a time point, a target): a key not listed means "none existed when the form was
 * opened" (version 0). A version is a positive integer (a row version from the database).
 */

const VERSION = z.string().regex(/^\d{1,10}$/).transform(Number);
const VERSIONS = z.string().regex(/^(?:[^=;]+=\d{1,10}(?:;[^=;]+=\d{1,10})*)?$/);

/** The `version` field of a form, or null when it is missing or malformed (a 400: the form was not ours). */
export function formVersion(form: Readonly<Record<string, string>>): number | null {
  const parsed = VERSION.safeParse(form['version'] ?? '');
  return parsed.success ? parsed.data : null;
}

/** The `versions` field of a form as key → version, or null when it is missing or malformed. */
export function formVersions(form: Readonly<Record<string, string>>): ReadonlyMap<string, number> | null {
  const raw = form['versions'];
  if (raw === undefined || !VERSIONS.safeParse(raw).success) return null;
  const out = new Map<string, number>();
  if (raw === '') return out;
  for (const pair of raw.split(';')) {
    const [key, version] = pair.split('=') as [string, string];
    try {
      out.set(decodeURIComponent(key), Number(version));
    } catch {
      return null; // a broken %-escape: not a form we rendered
    }
  }
  return out;
}

/** Encodes key → version for a form's `versions` field (keys URI-encoded, so `=` and `;` stay separators). */
export function encodeVersions(entries: Iterable<readonly [string | number, number]>): string {
  return [...entries].map(([k, v]) => `${encodeURIComponent(String(k))}=${v}`).join(';');
}
