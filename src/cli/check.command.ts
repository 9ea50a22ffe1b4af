import { readFile } from 'node:fs/promises';
import { rateCheckExitCode, rateCheckVerdict, checkPublishedRates, type RateCheck } from '../kpis/rate-check.service.ts';
import { textTable, truncateToWidth } from './text-table.ts';
import { UserError } from './user-error.ts';
import type { Lang } from '../i18n/lang.ts';
import type { BilingualText } from '../core/bilingual.ts';

const VERDICT_LABEL: Record<string, BilingualText> = {
  reproduced: { ja: '再現', en: 'reproduced' },
  explained: { ja: '説明可', en: 'explained' },
  unexplained: { ja: '説明不能', en: 'unexplained' },
  'no-published-rate': { ja: '公表値なし', en: 'no published rate' },
  grade: { ja: '評語', en: 'grade' },
  'no-figure': { ja: '数値なし', en: 'no figure' },
  'mixed-units': { ja: '単位不一致', en: 'mixed units' },
};

/**
 * `michishirube check FILE [--json]`: recomputes the published rates of a CSV of KPI rows.
 * Exit 0 when all are reproduced, explained, grades or rows without a figure; 1 when one is
 * unexplained or mixes units; 2 for bad input.
 */
export async function checkCommand(file: string, options: { json: boolean; lang: Lang }, out: (s: string) => void): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const result = checkPublishedRates(bytes);
  if (!result.ok) {
    const { line, column, columnName, message } = result.error;
    const where = column ? `line ${line}, column ${column}${columnName ? ` (${columnName})` : ''}` : `line ${line}`;
    throw new UserError(`${file}: ${where}: ${message}`);
  }
  if (options.json) {
    for (const c of result.value) out(JSON.stringify(jsonLine(c)));
  } else {
    out(renderTable(result.value, options.lang));
  }
  return rateCheckExitCode(result.value);
}

/** One JSON Lines object, as documented in the README. */
export function jsonLine(c: RateCheck) {
  const r = c.result;
  const e = r?.explanation;
  const u = c.line.unchecked;
  return {
    name: c.line.name,
    line: c.line.line,
    // Unrounded, but without binary noise (54.00000000000006 → 54).
    rate: r?.rate === null || r === null ? null : Number(r.rate.toPrecision(12)),
    published_rate: r?.publishedRate ?? null,
    verdict: rateCheckVerdict(c),
    explanation: e ? { kind: e.kind, text: `${e.text.ja} / ${e.text.en}` } : null,
    ...(r?.grade !== undefined ? { grade: r.grade } : {}),
    ...(u ? { problem: { column: u.column, kind: u.kind, message: `${u.message.ja} / ${u.message.en}` } } : {}),
    notes: c.line.notes.map((n) => `${n.column}: ${n.ja} / ${n.en}`),
  };
}

function renderTable(checks: readonly RateCheck[], lang: Lang): string {
  const ja = lang === 'ja';
  const header = ja ? ['行', '指標名', '再計算(%)', '公表(%)', '判定', '説明'] : ['line', 'KPI', 'computed (%)', 'published (%)', 'verdict', 'explanation'];
  const rows = checks.map((c) => {
    const r = c.result;
    const pub = c.line.row?.publishedRate;
    const notes = c.line.notes.map((n) => n[lang]).join(' ');
    const why = !r
      ? (c.line.unchecked?.message[lang] ?? '')
      : r.explanation
        ? r.explanation.text[lang]
        : r.grade !== undefined
          ? ja ? `評語「${r.grade}」で公表` : `published as the grade "${r.grade}"`
          : r.rate === null
            ? c.line.row?.baseline === null
              ? ja ? '当初値がないため進捗率は定義できません' : 'no baseline: progress undefined'
              : ja ? '目標値＝当初値のため進捗率は定義できません' : 'target equals baseline: progress undefined'
            : '';
    return [
      String(c.line.line),
      truncateToWidth(c.line.name, 36),
      !r || r.rate === null ? '—' : r.rate.toFixed(2),
      pub ? pub.value.toFixed(pub.decimals) : r?.grade ?? '—',
      VERDICT_LABEL[rateCheckVerdict(c)]![lang],
      [why, notes].filter((x) => x !== '').join(' '),
    ];
  });
  const counts = checks.reduce<Record<string, number>>((acc, c) => ({ ...acc, [rateCheckVerdict(c)]: (acc[rateCheckVerdict(c)] ?? 0) + 1 }), {});
  const summary = Object.entries(counts)
    .map(([k, n]) => `${VERDICT_LABEL[k]![lang]} ${n}`)
    .join(ja ? '、' : ', ');
  return `${textTable(header, rows, ['right', 'left', 'right', 'right', 'left', 'left'])}\n\n${ja ? `${checks.length} 行：` : `${checks.length} rows: `}${summary}`;
}
