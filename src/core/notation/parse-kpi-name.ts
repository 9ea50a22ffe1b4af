import type { KpiAggregation } from '../kpi/kpi.ts';

/** A KPI name as printed, with what its flags and trailing bracket say. */
export interface ParsedKpiName {
  /**
   * The name as printed, on one line with whitespace tidied, flags kept (cities print them:
   * 「新規就農者数※累計」 stays so), a trailing SDG-target bracket removed.
   */
  readonly name: string;
  /** What the flags say about how yearly figures add up; absent when the name says nothing. */
  readonly aggregation?: KpiAggregation;
  /** The flags as printed, in order: 「※累計」, 「（年間）」, 「(本市の制度活用による: 累計)」. */
  readonly flags: string[];
  /** The trailing SDG-target bracket as printed (「【7.2,13.3】」), for parseSdgTargetList. */
  readonly sdgTargetsText?: string;
}

/**
 * Reads a KPI name as a sheet prints it. Flags say how the figures add up: 「(期間累計)」 a
 * total over a period, 「※累計」「(累計)」「(…: 累計)」 cumulative since the baseline,
 * 「(年間)」「(単年度)」 per year. When several appear the most specific wins (期間累計, then
 * 累計, then 年間). Line breaks from PDF extraction are removed without a space between
 * Japanese characters (「二酸化炭素排出\n削減割合」 → 「二酸化炭素排出削減割合」).
 */
export function parseKpiName(printed: string): ParsedKpiName {
  let name = joinLines(printed);
  let sdgTargetsText: string | undefined;
  const bracket = /\s*([【[［][\s0-9０-９.．,，、a-zA-Zａ-ｚＡ-Ｚ]*[】\]］])$/.exec(name);
  const inner = bracket?.[1]?.slice(1, -1).trim();
  // An SDG list has digits ([11.1, 11.a]) or nothing (【】); 「[t]」 or 「[BDt]」 would be a unit.
  if (bracket?.[1] !== undefined && inner !== undefined && (inner === '' || (/[0-9０-９]/.test(inner) && !/[A-Za-zＡ-Ｚａ-ｚ]{2}/.test(inner)))) {
    sdgTargetsText = bracket[1];
    name = name.slice(0, bracket.index).trimEnd();
  }

  const flags: { readonly text: string; readonly at: number; readonly aggregation: KpiAggregation }[] = [];
  for (const m of name.matchAll(/※(期間累計|累計|年間|単年度)/g)) {
    flags.push({ text: m[0], at: m.index, aggregation: aggregationOf(m[1] ?? '') });
  }
  for (const m of name.matchAll(/[(（]([^()（）]*)[)）]/g)) {
    const content = (m[1] ?? '').trim();
    const aggregation = /期間累計/.test(content)
      ? 'period-total'
      : /累計/.test(content)
        ? 'cumulative'
        : /(^|[:：\s、,，])(年間|単年度)$/.test(content)
          ? 'per-year'
          : undefined;
    if (aggregation) flags.push({ text: m[0], at: m.index, aggregation });
  }
  flags.sort((a, b) => a.at - b.at);

  const priority: readonly KpiAggregation[] = ['period-total', 'cumulative', 'per-year'];
  const aggregation = priority.find((p) => flags.some((f) => f.aggregation === p));
  return {
    name,
    flags: flags.map((f) => f.text),
    ...(aggregation ? { aggregation } : {}),
    ...(sdgTargetsText !== undefined ? { sdgTargetsText } : {}),
  };
}

function aggregationOf(flag: string): KpiAggregation {
  if (flag === '期間累計') return 'period-total';
  if (flag === '累計') return 'cumulative';
  return 'per-year';
}

/** Characters after or before which a line break is no space: Japanese script and full-width forms. */
const WIDE = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF※]/;

/** One line, whitespace tidied: a break between Japanese characters vanishes, any other becomes a space. */
function joinLines(s: string): string {
  const tidy = s.replace(/[\t\u3000\u00A0 ]+/g, ' ');
  return tidy
    .replace(/ *(\r\n|\r|\n)[ \r\n]*/g, (match, _nl: string, offset: number) => {
      const before = tidy[offset - 1] ?? '';
      const after = tidy[offset + match.length] ?? '';
      return WIDE.test(before) || WIDE.test(after) ? '' : ' ';
    })
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * The form under which two spellings of one KPI name compare equal: after NFKC (full-width
 * 「ＳＤＧｓ」「（年間）」「１」 become SDGs, (年間), 1), with every bracket kind folded to one
 * (（）()［］[] 〔〕 → (), 「」『』 kept), case folded (SDGS, sdgs), spaces and line breaks
 * removed, and a trailing SDG-target list 【…】 dropped. Not for display: only for matching a
 * name typed in a file to a stored KPI.
 */
export function kpiNameKey(name: string): string {
  const n = parseKpiName(name.normalize('NFKC')).name.normalize('NFKC');
  return n
    .replace(/[［\[〔{｛]/g, '(')
    .replace(/[］\]〕}｝]/g, ')')
    .replace(/[‐‑‒–—―−ー－]/g, (ch) => (ch === 'ー' ? ch : '-'))
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();
}
