import { readFile } from 'node:fs/promises';
import { rateCheckExitCode, checkPublishedRates, type RateCheck } from '../services/rate-check.service.ts';
import { textTable, truncateToWidth } from './text-table.ts';
import { UserError } from './user-error.ts';
import type { Lang } from '../i18n/lang.ts';

const VERDICT_LABEL: Record<string, { ja: string; en: string }> = {
  reproduced: { ja: '再現', en: 'reproduced' },
  explained: { ja: '説明可', en: 'explained' },
  unexplained: { ja: '説明不能', en: 'unexplained' },
  'no-published-rate': { ja: '公表値なし', en: 'no published rate' },
};

/**
 * `michishirube check FILE [--json]`: recomputes the published rates of a CSV of KPI rows.
 * Exit 0 when all are reproduced or explained, 1 when one is unexplained, 2 for bad input.
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
    for (const c of result.checks) out(JSON.stringify(jsonLine(c)));
  } else {
    out(renderTable(result.checks, options.lang));
  }
  return rateCheckExitCode(result.checks);
}

/** One JSON Lines object, as documented in the README. */
export function jsonLine(c: RateCheck) {
  const e = c.result.explanation;
  return {
    name: c.line.name,
    line: c.line.line,
    // Unrounded, but without binary noise (54.00000000000006 → 54).
    rate: c.result.rate === null ? null : Number(c.result.rate.toPrecision(12)),
    published_rate: c.result.publishedRate,
    verdict: c.result.verdict,
    explanation: e ? { kind: e.kind, text: `${e.text.ja} / ${e.text.en}` } : null,
  };
}

function renderTable(checks: readonly RateCheck[], lang: Lang): string {
  const ja = lang === 'ja';
  const header = ja ? ['行', '指標名', '再計算(%)', '公表(%)', '判定', '説明'] : ['line', 'KPI', 'computed (%)', 'published (%)', 'verdict', 'explanation'];
  const rows = checks.map((c) => {
    const r = c.result;
    const pub = c.line.row.publishedRate;
    return [
      String(c.line.line),
      truncateToWidth(c.line.name, 36),
      r.rate === null ? '—' : r.rate.toFixed(2),
      pub ? pub.value.toFixed(pub.decimals) : '—',
      VERDICT_LABEL[r.verdict]![lang],
      r.explanation ? r.explanation.text[lang] : r.rate === null ? (ja ? '目標値＝当初値のため進捗率は定義できません' : 'target equals baseline: progress undefined') : '',
    ];
  });
  const counts = checks.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.result.verdict]: (acc[c.result.verdict] ?? 0) + 1 }), {});
  const summary = Object.entries(counts)
    .map(([k, n]) => `${VERDICT_LABEL[k]![lang]} ${n}`)
    .join(ja ? '、' : ', ');
  return `${textTable(header, rows, ['right', 'left', 'right', 'right', 'left', 'left'])}\n\n${ja ? `${checks.length} 行：` : `${checks.length} rows: `}${summary}`;
}
