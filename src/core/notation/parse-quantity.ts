import type { Quantity } from '../quantity.ts';
import { normalizeNotation } from './normalize.ts';
import { fail, ok, quoteEn, quoteJa, type NotationNote, type Parsed } from './notation-error.ts';
import { isNotAvailable, readNormalizedNumber, type PrintedNumber } from './parse-number.ts';

/** Options of {@link parseQuantity}. */
export interface ParseQuantityOptions {
  /**
   * The KPI's unit. A bare number takes it; a figure printed with another unit is a
   * 'unit-mismatch' (千t-CO2 typed into a column in t is a factor of 1,000 off).
   */
  readonly expectedUnit?: string;
}

/**
 * Brings a unit to one spelling so that units compare: full-width forms and spaces go
 * (「千 t-CO₂」 → 「千t-CO2」, 「％」 → 「%」), and m2/m3 are written m²/m³ as printed in plans.
 * Counting words (か所, ヶ所, 箇所) are kept as printed: they are listed separately in COUNT_UNITS.
 */
export function normalizeUnit(unit: string): string {
  return normalizeNotation(unit)
    .replace(/ /g, '')
    .replace(/(?<![A-Za-z])(k?m)([23])(?![0-9])/g, (_, base: string, power: string) => base + (power === '2' ? '²' : '³'));
}

/**
 * Reads a figure with its unit as printed: 「1,111 社」, 「-21.7 ％」, 「2,778 千 t-CO2」,
 * 「6,657 m³」, 「147,679t」, 「3か所」, 「▲3.2」, or a bare 「157」 (unit ''). The number is
 * read like parseNumber, so a bad number gives the same precise reason.
 */
export function parseQuantity(s: string, opts: ParseQuantityOptions = {}): Parsed<Quantity> {
  return withExpectedUnit(s, readQuantity(s, QUANTITY), opts);
}

/** A figure read with what surrounded its number: 「約1,200人」 is 1,200 人 with an 'approximate' note. */
export interface Figure extends Quantity {
  readonly notes: readonly NotationNote[];
}

/**
 * Reads a figure as cities print it in tables, like {@link parseQuantity}, also accepting the
 * words and marks printed around the number: approximations (「約1,200人」「1,200人程度」
 * 「およそ」「概ね」「前後」), bounds (「100人以上」「以下」「未満」「超」) and footnote markers
 * (「1,234人※1」「※」「注1」「(注2)」「*1」). The number is kept and each marker becomes a note,
 * never part of the unit. 万 and 億 inside a figure are read as parseQuantity does.
 */
export function parseFigure(s: string, opts: ParseQuantityOptions = {}): Parsed<Figure> {
  const { core, notes } = stripMarkers(normalizeNotation(s));
  const read = withExpectedUnit(s, readQuantity(core, QUANTITY, s), opts);
  if (!read.ok) return read;
  return ok({ ...read.value, notes: [...read.value.notes ?? [], ...notes] });
}

function stripMarkers(n: string): { core: string; notes: NotationNote[] } {
  const notes: NotationNote[] = [];
  let core = n;
  for (let changed = true; changed; ) {
    changed = false;
    for (const [re, kind] of MARKERS) {
      const m = re.exec(core);
      if (!m || m[1] === undefined) continue;
      const marker = m[1].trim();
      const rest = core.replace(re, '').trim();
      // A marker alone is not a figure (「※1」 with no number): leave it to the number reader's message.
      if (!/\d/.test(rest)) continue;
      core = rest;
      changed = true;
      notes.push(noteOf(kind, marker));
    }
  }
  return { core, notes };
}

type MarkerKind = 'approximate' | 'bound' | 'footnote';
const MARKERS: readonly (readonly [RegExp, MarkerKind])[] = [
  [/^(約|およそ|概ね|おおむね|凡そ)\s*/, 'approximate'],
  [/\s*(程度|前後|くらい|ぐらい)$/, 'approximate'],
  [/\s*(以上|以下|未満|超|強|弱)$/, 'bound'],
  [/^(※\d*|\*\d*|\((?:注|※)\s*\d*\)|注\s*\d*[):]?)\s*/, 'footnote'],
  [/\s*(※\s*\d*|\*\d*|\((?:注|※)\s*\d*\)|注\s*\d*\)?)$/, 'footnote'],
];

function noteOf(kind: MarkerKind, marker: string): NotationNote {
  switch (kind) {
    case 'approximate':
      return { kind, ja: `「${marker}」：概数として公表された値です`, en: `"${marker}": the figure was published as approximate` };
    case 'bound':
      return { kind, ja: `「${marker}」：値は境界として書かれています（数値はそのまま読みました）`, en: `"${marker}": the figure was written as a bound (the number is kept as printed)` };
    case 'footnote':
      return { kind, ja: `注記「${marker}」があります（出典の注を確認してください）`, en: `footnote marker "${marker}" (see the notes of the source)` };
  }
}

function withExpectedUnit<Q extends Quantity & { notes?: readonly NotationNote[] }>(s: string, read: Parsed<Q>, opts: ParseQuantityOptions): Parsed<Q> {
  if (!read.ok || opts.expectedUnit === undefined) return read;
  const expected = normalizeUnit(opts.expectedUnit);
  const printed = read.value.unit;
  if (printed === '' || printed === expected) return ok({ ...read.value, unit: expected });
  // 「1万件」 for a KPI in 件: the same base unit with a 万/億/千 prefix is the figure scaled, with a note.
  const scaled = scaleQuantity(read.value, expected);
  if (scaled) return ok({ ...read.value, ...scaled.quantity, notes: [...(read.value.notes ?? []), scaled.note(s)] });
  const failed = fail(
    'unit-mismatch',
    s,
    `unit mismatch in ${quoteEn(s)}: the unit is "${printed}", expected "${expected}"`,
    `${quoteJa(s)}の単位「${printed}」は期待される単位「${expected}」と異なります`,
  );
  return { ok: false, error: { ...failed.error, unit: printed } };
}

/** A unit read as a multiplier prefix and a base unit: 「万人」 is 10⁴ 人, 「百万円」 10⁶ 円, 「千t-CO2」 10³ t-CO2, 「人」 1 人. */
export interface ScaledUnit {
  readonly prefix: string;
  readonly power: number;
  readonly base: string;
}

const PREFIX_POWERS: Readonly<Record<string, number>> = { 十: 1, 百: 2, 千: 3, 万: 4, 億: 8, 兆: 12 };

/**
 * Splits a normalised unit into the Japanese multiplier printed before it (千, 万, 十万, 百万,
 * 千万, 億, 十億…, 兆) and its base unit. A lone 十 or 百 is not taken as a prefix (「百貨店」):
 * only 千 alone, or 十/百/千 before 万/億/兆.
 */
export function scaledUnit(unit: string): ScaledUnit {
  const m = /^(?:([十百千]?)([万億兆])|(千))(.*)$/u.exec(unit);
  if (!m) return { prefix: '', power: 0, base: unit };
  if (m[3]) return { prefix: '千', power: 3, base: m[4] ?? '' };
  const small = m[1] ? PREFIX_POWERS[m[1]]! : 0;
  return { prefix: `${m[1] ?? ''}${m[2]}`, power: small + PREFIX_POWERS[m[2]!]!, base: m[4] ?? '' };
}

/**
 * A quantity written in another unit of the same base: 2 万人 in 人 is 20,000 人, 15,000 人 in
 * 万人 is 1.5 万人, 1 億円 in 円 is 100,000,000 円. The decimals follow the scale (2.5 万人 in 人
 * has none; 15,000 人 in 万人 the fewest that write 1.5 exactly). null when the bases differ
 * (人 and 件) or nothing is to scale. `note` says what was done, quoting the printed figure.
 */
export function scaleQuantity(q: Quantity, toUnit: string): { readonly quantity: Quantity; readonly note: (printed: string) => NotationNote } | null {
  const from = scaledUnit(q.unit);
  const to = scaledUnit(toUnit);
  if (from.base !== to.base || from.power === to.power) return null;
  const shift = from.power - to.power;
  const decimals = shift > 0 ? Math.max(0, q.decimals - shift) : q.decimals - shift;
  const exact = Number((q.value * 10 ** shift).toFixed(Math.min(decimals, 20)));
  const trimmed = shift > 0 ? decimals : Math.min(decimals, decimalsOfValue(exact));
  const quantity = { value: exact, decimals: trimmed, unit: toUnit };
  const shownJa = `${exact.toLocaleString('ja-JP', { minimumFractionDigits: trimmed, maximumFractionDigits: trimmed })}${toUnit}`;
  const shownEn = `${exact.toLocaleString('en-US', { minimumFractionDigits: trimmed, maximumFractionDigits: trimmed })} ${toUnit}`;
  return {
    quantity,
    note: (printed) => ({ kind: 'scaled', ja: `「${printed}」を ${shownJa} として読みました（単位「${toUnit}」にそろえました）`, en: `"${printed}" read as ${shownEn} (scaled to the unit ${toUnit})` }),
  };
}

function decimalsOfValue(value: number): number {
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

/** A published 達成度 as printed: a rate, or a grade (「◎」「A」「100%超」) printed instead of one. */
export type PublishedRateReading =
  | { readonly kind: 'rate'; readonly value: number; readonly decimals: number; readonly percentSign: boolean }
  | { readonly kind: 'grade'; readonly grade: string };

/**
 * Reads the 達成度 column as cities fill it: a rate as {@link parseRate} reads it (「65%」,
 * 「-1.25」 with `percentSign` false, for the reconciliation to try it as a fraction), or a
 * grade printed instead of a rate: marks 「◎」「○」「△」「×」 (Ino), letters 「S」「A」…「E」
 * (Nagayo, a prefectural library), words 「達成」「未達成」「概ね達成」, and bounds such as
 * 「100%超」「100%以上」. A dash or 「集計中」 is 'not-available' (no published rate).
 */
export function parsePublishedRate(s: string): Parsed<PublishedRateReading> {
  const n = normalizeNotation(s).replace(/ /g, '');
  if (n !== '' && !isNotAvailable(n) && GRADE.test(n)) return ok({ kind: 'grade', grade: n });
  const r = parseRate(s);
  if (!r.ok) return r;
  return ok({ kind: 'rate', value: r.value.value, decimals: r.value.decimals, percentSign: n.includes('%') });
}

const GRADE = /^(?:[◎○〇◯●△▽▲×✕✖☆★]|[SABCDE][+-]?|[SABCDE]評価|(?:概ね|おおむね)?達成(?:見込み)?|未達成?|順調|遅れ|\d+(?:\.\d+)?%(?:超|以上|未満|以下))$/;

/**
 * Reads a published achievement rate (達成度) in percent: 「65%」, 「61.1%」, 「-683%」,
 * 「１０６％」, or a bare 「106」 (sheets often print the % in the column header only).
 * Any other unit is a 'unit-mismatch'.
 */
export function parseRate(s: string): Parsed<PrintedNumber> {
  const read = readQuantity(s, RATE);
  if (!read.ok) return read;
  const { value, decimals, unit } = read.value;
  if (unit !== '' && unit !== '%') {
    return fail(
      'unit-mismatch',
      s,
      `unreadable ${RATE.en} ${quoteEn(s)}: a rate is in percent (%), not "${unit}"`,
      `${RATE.ja}${quoteJa(s)}を読み取れません：達成度の単位は「%」で、「${unit}」ではありません`,
    );
  }
  return ok({ value, decimals });
}

/** What is being read, for messages. */
interface Subject {
  readonly en: string;
  readonly ja: string;
}
const QUANTITY: Subject = { en: 'quantity', ja: '数量' };
const RATE: Subject = { en: 'achievement rate', ja: '達成度' };

function readQuantity(s: string, what: Subject, printed: string = s): Parsed<Quantity & { notes?: readonly NotationNote[] }> {
  const n = normalizeNotation(s);
  const inside = readMultipliersInside(n, what, printed);
  if (inside) return inside;
  if (n === '') return fail('empty', printed, `empty ${what.en} ${quoteEn(printed)}`, `${what.ja}が空です${quoteJa(printed)}`);
  if (isNotAvailable(n)) {
    return fail('not-available', printed, `no figure ${quoteEn(printed)}: the cell marks a missing value`, `${quoteJa(printed)}は数値なし（欠測）の記号です`);
  }

  // The number is the leading run of signs, digits, commas and points; the rest is the unit.
  const m = /^([+\-▲△ ]*[0-9.,]+)(.*)$/.exec(n);
  const numberText = m?.[1];
  const unitText = m?.[2];
  if (numberText === undefined || unitText === undefined || !/\d/.test(numberText)) {
    return fail(
      'unreadable-quantity',
      printed,
      `unreadable ${what.en} ${quoteEn(printed)}: expected a number then a unit, such as "1,111 社" or "41%"`,
      `${what.ja}${quoteJa(printed)}を読み取れません：「1,111 社」「41%」のように数値と単位を書いてください`,
    );
  }
  const number = readNormalizedNumber(numberText.trim());
  if ('reason' in number) {
    return fail('unreadable-number', printed, `unreadable ${what.en} ${quoteEn(printed)}: ${number.reason}`, `${what.ja}${quoteJa(printed)}を読み取れません：${number.reasonJa}`);
  }
  const unit = normalizeUnit(unitText);
  const wrongUnit = unitContinuingNumber(unit);
  if (wrongUnit) {
    return fail('unreadable-number', printed, `unreadable ${what.en} ${quoteEn(printed)}: ${wrongUnit.reason}`, `${what.ja}${quoteJa(printed)}を読み取れません：${wrongUnit.reasonJa}`);
  }
  return ok({ value: number.value, decimals: number.decimals, unit });
}

/**
 * Why the text after a figure's number is not a unit but more of the number, or null when it
 * can be a unit. A unit starts with a letter of any script (人, 件, km, t-CO2), a symbol (%, ℃,
 * m² as ㎡) or a degree sign; text that continues the number would otherwise be read silently
 * as a unit: 「1e20」 (exponent: 1 in the unit "e20"), 「1 2」 or 「12 34人」 (two numbers),
 * 「12-15」「12～15」「12/15」 (a range or a fraction), 「0x10」, 「1_000」.
 */
export function unitContinuingNumber(unit: string): { readonly reason: string; readonly reasonJa: string } | null {
  if (unit === '') return null;
  if (/^[eE][+-]?\d*$/.test(unit) || /^[eE][+-]?\d/.test(unit)) {
    return { reason: 'scientific notation (such as 1e20) is not read: write the number in full', reasonJa: '指数表記（1e20 など）は読めません。数値を桁どおりに書いてください' };
  }
  if (/^\d/.test(unit)) return { reason: `a second number "${unit}" follows the first: write one figure per cell`, reasonJa: `数値の後に別の数字「${unit}」があります。1つのセルに1つの数値を書いてください` };
  if (/^[-～/.,_:;+*^×xX]/.test(unit) && /\d/.test(unit)) {
    return { reason: `"${unit}" after the number is not a unit (a range, a fraction or another number): write one figure per cell`, reasonJa: `数値の後の「${unit}」は単位ではありません（範囲・分数・別の数値）。1つのセルに1つの数値を書いてください` };
  }
  if (!/^[\p{L}\p{So}%‰°(（]/u.test(unit)) return { reason: `"${unit}" after the number is not a unit`, reasonJa: `数値の後の「${unit}」は単位ではありません` };
  return null;
}

/**
 * 「1万155回」「1万2600回」「3億5000万円」「1億2345万6789人」: 万 or 億 followed by more digits is
 * part of the number (10,155 回), not of the unit. 「2万人」「1.5万人」 stay 2 and 1.5 in the unit
 * 万人, as tables print them. undefined when the text has no multiplier inside its number.
 */
function readMultipliersInside(n: string, what: Subject, printed: string): Parsed<Quantity & { notes?: readonly NotationNote[] }> | undefined {
  const m = /^([+\-▲△]?) ?(?:([\d.,]+)億)?(?:([\d.,]+)万)?([\d.,]+)?(\D.*)?$/.exec(n);
  if (!m) return undefined;
  const [, sign = '', oku, man, rest, unitText = ''] = m;
  const inside = (oku !== undefined && (man !== undefined || rest !== undefined)) || (man !== undefined && rest !== undefined);
  if (!inside) return undefined;
  const bad = (reason: string, reasonJa: string) =>
    fail('unreadable-number', printed, `unreadable ${what.en} ${quoteEn(printed)}: ${reason}`, `${what.ja}${quoteJa(printed)}を読み取れません：${reasonJa}`);
  const parts: { text: string; scale: number; max?: number }[] = [];
  if (oku !== undefined) parts.push({ text: oku, scale: 1e8 });
  if (man !== undefined) parts.push({ text: man, scale: 1e4, ...(oku !== undefined ? { max: 1e4 } : {}) });
  if (rest !== undefined) parts.push({ text: rest, scale: 1, max: man !== undefined ? 1e4 : 1e8 });
  let value = 0;
  let decimals = 0;
  for (const p of parts) {
    const r = readNormalizedNumber(p.text);
    if ('reason' in r) return bad(r.reason, r.reasonJa);
    if (p.max !== undefined && r.value >= p.max) {
      return bad(`the part "${p.text}" after a 万/億 must be under ${p.max.toLocaleString('en-US')}`, `万・億の後の「${p.text}」は${p.max.toLocaleString('ja-JP')}未満です`);
    }
    value += r.value * p.scale;
    decimals = Math.max(0, r.decimals - Math.round(Math.log10(p.scale)));
  }
  value = Number(value.toFixed(decimals));
  const negative = sign === '-' || sign === '▲' || sign === '△';
  const unit = normalizeUnit(unitText);
  const wrongUnit = unitContinuingNumber(unit);
  if (wrongUnit) return bad(wrongUnit.reason, wrongUnit.reasonJa);
  return ok({ value: negative && value !== 0 ? -value : value, decimals, unit });
}
