import data from './sdg-framework.json' with { type: 'json' };
import { fail, ok, quoteEn, quoteJa, type Parsed } from '../notation/notation-error.ts';

import type { BilingualText } from '../bilingual.ts';
// The one bilingual text type lives in core/bilingual.ts; re-exported for the SDG code.
export type { BilingualText } from '../bilingual.ts';

/** One of the 17 Sustainable Development Goals, with the colour of its UN icon. */
export interface SdgGoal {
  /** "1" … "17". */
  readonly id: string;
  readonly number: number;
  readonly title: BilingualText;
  /** The icon name: 貧困をなくそう / No poverty. */
  readonly short: BilingualText;
  /** UN communications palette, "#RRGGBB". */
  readonly colour: string;
}

/** One of the 169 targets: numbered ("11.1", "17.17") or lettered means of implementation ("11.a"). */
export interface SdgTarget {
  readonly id: string;
  /** The goal's id ("11"). */
  readonly goal: string;
  readonly title: BilingualText;
}

/** A global indicator ("11.1.1"). No Japanese text is available yet, hence `ja: string | null`. */
export interface SdgIndicator {
  readonly id: string;
  /** The target's id ("11.1"). */
  readonly target: string;
  readonly title: { readonly en: string; readonly ja: string | null };
  /** Other indicator codes the UN list repeats with the same text (1.5.1 = 11.5.1 = 13.1.1). */
  readonly sameTextAs?: readonly string[];
}

/**
 * Where every text and colour came from, with licences and known caveats, exactly as
 * recorded when the JSON was built. Show it wherever the framework is published.
 */
export const sdgFrameworkSource: typeof data.source = data.source;

/** The 17 goals in order 1 … 17. */
export const sdgGoals: readonly SdgGoal[] = Object.freeze(
  data.goals
    .map((g): SdgGoal => ({ id: g.id, number: Number(g.id), title: g.title, short: g.short, colour: g.colour }))
    .sort((a, b) => a.number - b.number),
);

/** The 169 targets, in the UN order (1.1 … 1.b, 2.1 … 17.19). */
export const sdgTargets: readonly SdgTarget[] = Object.freeze(
  data.targets.map((t): SdgTarget => ({ id: t.id, goal: t.goal, title: t.title })),
);

/** The global indicators as listed by the source (including a few retired or repeated codes; see the source note). */
export const sdgIndicators: readonly SdgIndicator[] = Object.freeze(
  data.indicators.map((i): SdgIndicator => {
    const same: readonly string[] | undefined = 'same_text_as' in i ? i.same_text_as : undefined;
    return same ? { id: i.id, target: i.target, title: i.title, sameTextAs: same } : { id: i.id, target: i.target, title: i.title };
  }),
);

const goalById = new Map(sdgGoals.map((g) => [g.id, g]));
const targetById = new Map(sdgTargets.map((t) => [t.id, t]));
const targetsByGoal = groupBy(sdgTargets, (t) => t.goal);
const indicatorsByTarget = groupBy(sdgIndicators, (i) => i.target);

/** The goal with this id ("11" or 11), or undefined. */
export function findSdgGoal(id: string | number): SdgGoal | undefined {
  return goalById.get(String(id));
}

/** The target with this exact id ("11.a"; ids are case-sensitive, letters lower-case), or undefined. */
export function findSdgTarget(id: string): SdgTarget | undefined {
  return targetById.get(id);
}

/** The targets of a goal in UN order; empty for an unknown goal. */
export function targetsOfGoal(goalId: string | number): readonly SdgTarget[] {
  return targetsByGoal.get(String(goalId)) ?? [];
}

/** The indicators of a target in UN order; empty for an unknown target. */
export function indicatorsOfTarget(targetId: string): readonly SdgIndicator[] {
  return indicatorsByTarget.get(targetId) ?? [];
}

/** The goal a target belongs to, or undefined for an unknown target. */
export function goalOfTarget(targetId: string): SdgGoal | undefined {
  const target = targetById.get(targetId);
  return target ? goalById.get(target.goal) : undefined;
}

/**
 * Checks that every id is a real SDG target (canonical form: "2.3", "11.a"). Cities' sheets
 * carry typos such as 2.9 or 11.z; they must be caught at import, not shown on a dashboard.
 * `input` is the text the ids were read from, quoted in the message (defaults to the ids).
 */
export function validateSdgTargetIds(ids: readonly string[], input: string = ids.join(', ')): Parsed<string[]> {
  const unknown = ids.filter((id) => !targetById.has(id));
  if (unknown.length === 0) return ok([...ids]);
  const listEn = unknown.map((id) => `"${id}"`).join(', ');
  const listJa = unknown.map((id) => `「${id}」`).join('、');
  const hintsEn = unknown.map(hintEn).join('; ');
  const hintsJa = unknown.map(hintJa).join('。');
  return fail(
    'unknown-sdg-target',
    input,
    `unknown SDG target${unknown.length > 1 ? 's' : ''} ${listEn} in ${quoteEn(input)}: ${hintsEn}`,
    `${quoteJa(input)}のSDGターゲット${listJa}は存在しません：${hintsJa}`,
  );
}

function hintEn(id: string): string {
  const goalId = id.split('.')[0] ?? '';
  const targets = targetsOfGoal(goalId);
  if (targets.length === 0) return `${id}: there is no goal ${goalId} (goals are 1 to 17)`;
  return `${id}: goal ${goalId} has targets ${targets.map((t) => t.id).join(', ')}`;
}

function hintJa(id: string): string {
  const goalId = id.split('.')[0] ?? '';
  const targets = targetsOfGoal(goalId);
  if (targets.length === 0) return `${id}：目標${goalId}はありません（目標は1～17）`;
  return `${id}：目標${goalId}のターゲットは ${targets.map((t) => t.id).join(', ')} です`;
}

/**
 * WCAG 2 contrast ratio (1 … 21) between two "#RGB"/"#RRGGBB" colours. Throws a RangeError for
 * a malformed colour: colours come from code and the framework file, so that is a bug.
 */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The text colour to print on a goal's colour, '#FFFFFF' or '#000000', meeting WCAG AA
 * (contrast ≥ 4.5 : 1) when either does. White is preferred when it passes, as on the UN icons
 * (goal 1 #E5243B: white 4.52, black 4.65 — both pass, white kept); black when only black
 * passes (goal 7 #FCC30B: white 1.62 fails); the higher contrast when neither passes (which
 * cannot happen for an opaque colour: one of the two always reaches 4.58 : 1, kept as a safeguard).
 */
export function textColourOn(colour: string): '#FFFFFF' | '#000000' {
  // Pages ask for the 17 goal colours on every render: each colour is worked out once.
  let chosen = textColours.get(colour);
  if (chosen === undefined) {
    chosen = computeTextColourOn(colour);
    if (textColours.size < 256) textColours.set(colour, chosen);
  }
  return chosen;
}
const textColours = new Map<string, '#FFFFFF' | '#000000'>();

function computeTextColourOn(colour: string): '#FFFFFF' | '#000000' {
  const white = contrastRatio(colour, '#FFFFFF');
  const black = contrastRatio(colour, '#000000');
  if (white >= WCAG_AA) return '#FFFFFF';
  if (black >= WCAG_AA) return '#000000';
  return white >= black ? '#FFFFFF' : '#000000';
}

/** WCAG 2 level AA minimum contrast for normal-size text. */
export const WCAG_AA = 4.5;

function relativeLuminance(colour: string): number {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  if (!m || m[1] === undefined) throw new RangeError(`not a colour "#RRGGBB": "${colour}"`);
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, readonly T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
