import { validateSdgTargetIds } from '../sdg/sdg-framework.ts';
import { normalizeNotation } from './normalize.ts';
import { fail, quoteEn, quoteJa, type Parsed } from './notation-error.ts';

/**
 * Reads the SDG targets printed beside a KPI or an initiative and checks each is a real
 * target: 「【2.3,2.4,8.3,8.5】」, 「[11.1, 11.2, 11.a]」, 「【７．２，１３．３】」, 「11.1 11.2」,
 * 「5.1、5.4」, or a list ["9.5", "9.b"]. Returns canonical ids ("11.a": letters lower-case)
 * in printed order without duplicates. 「【】」 and "" are an empty list: some KPIs have none.
 * A token that is not a target id is 'unreadable-sdg-targets'; a well-formed id that does not
 * exist (2.9, 18.1, 11.z) is 'unknown-sdg-target'.
 */
export function parseSdgTargetList(s: string | readonly string[]): Parsed<string[]> {
  const input = typeof s === 'string' ? s : JSON.stringify(s);
  const texts = typeof s === 'string' ? [s] : s;
  const tokens = texts.flatMap((t) =>
    normalizeNotation(t)
      .replace(/[【】[\]{}()〔〕「」]/g, ' ')
      .split(/[\s,、;・/]+/)
      .filter((token) => token !== ''),
  );

  const ids: string[] = [];
  for (const token of tokens) {
    const m = /^(\d{1,2})\.(\d{1,2}|[a-z])$/i.exec(token);
    if (!m || m[1] === undefined || m[2] === undefined) {
      const goalOnly = /^\d{1,2}$/.test(token);
      return fail(
        'unreadable-sdg-targets',
        input,
        `unreadable SDG targets ${quoteEn(input)}: "${token}" is not a target id such as 11.1 or 11.a${goalOnly ? ` (${token} alone is a goal)` : ''}`,
        `SDGターゲット${quoteJa(input)}を読み取れません：「${token}」は「11.1」「11.a」のようなターゲット番号ではありません${goalOnly ? `（${token}だけでは目標の番号です）` : ''}`,
      );
    }
    const id = `${Number(m[1])}.${m[2].toLowerCase()}`;
    if (!ids.includes(id)) ids.push(id);
  }
  return validateSdgTargetIds(ids, input);
}
