import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';

/**
 * Password hashing with scrypt (node:crypto): a random 16-byte salt per password, the cost
 * parameters stored in the hash so they can be raised later without breaking old hashes, and a
 * constant-time comparison. Stored form: `scrypt$N$r$p$salt$hash` (salt and hash in base64url).
 */

/** Cost parameters: N = 2^15, r = 8 (about 32 MiB and ~50-100 ms per hash on a server core). */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

/** The shortest password accepted: long passphrases beat composition rules (NIST SP 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest accepted, so a megabyte of "password" cannot tie up the server. */
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password for storage (a new salt every time). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches a stored hash. A malformed hash is a bug in what was stored, not
 * a wrong password: it throws.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('unreadable password hash');
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64url');
  const key = await derive(password, Buffer.from(saltText, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, verified against when the user does not exist, so that a log-in
 * for an unknown name takes as long as one with a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummyHash;
}

/** Why a new password is refused, as a catalog key suffix (`staff.password.error.<kind>`). */
export type PasswordProblem = 'too-short' | 'too-long' | 'same-as-username' | 'same-as-current' | 'mismatch' | 'too-weak';

/**
 * The lowest zxcvbn score (0-4) accepted: 3 is "safely unguessable" (about 10^8 guesses or more),
 * so a common password, a keyboard walk, a repeated or sequential run, or a word plus digits is
 * refused even when it is 12 characters long (issue 9 point 7: `password1234`, `aaaaaaaaaaaa`,
 * `123456789012`). Scores come from @zxcvbn-ts with its maintained common-password, name and
 * English word lists (NIST SP 800-63B 5.1.1.2: check against lists of known-bad passwords).
 */
export const MIN_PASSWORD_SCORE = 3;

/** How long a one-time password (first start, new user, reset) may be used: it must be changed within this many hours. */
export const ONE_TIME_PASSWORD_HOURS = 24;

let estimator: ZxcvbnFactory | null = null;
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
  });
  return estimator;
}

/**
 * The zxcvbn score (0-4) of a password; `userInputs` (user name, display name, city…) count as
 * words an attacker knows.
 */
export function passwordScore(password: string, userInputs: readonly string[] = []): number {
  return strengthEstimator().check(password, userInputs.filter((w) => w.length > 0).map((w) => w.toLowerCase())).score;
}

/**
 * Checks a new password against the policy; null when it is acceptable. Length first (cheap),
 * then the user name, the confirmation, and the strength estimate (with `userInputs` as known words).
 */
export function passwordProblem(password: string, confirmation: string, username: string, userInputs: readonly string[] = []): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too-long';
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase())) return 'same-as-username';
  if (password !== confirmation) return 'mismatch';
  if (passwordScore(password, [username, ...userInputs]) < MIN_PASSWORD_SCORE) return 'too-weak';
  return null;
}

/**
 * A random one-time password (for the first administrator and password resets): 20 characters
 * from an alphabet without look-alikes (no 0/O, 1/l/I), about 115 bits.
 */
export function generateOneTimePassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(40);
  let out = '';
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 57).
  for (const b of bytes) {
    if (b >= 228) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === 20) return out;
  }
  return out + generateOneTimePassword().slice(0, 20 - out.length);
}
