import { describe, expect, it } from 'vitest';
import { columnName } from '../formats/csv/observation-rows.ts';
import type { GridRow } from '../formats/xlsx/observation-workbook.reader.ts';
import { KPI_LIST_TEMPLATE_HEADER, KPI_LIST_TEMPLATE_PERIOD_ROW, readDirection, readKpiTable } from './kpi-table.ts';

/*
 * Issue 13 attack pass (issue 13.5's KPI-table import): every value cell the import cannot read
 * exactly is refused at its row and column (scientific notation, two numbers, ranges, too many
 * digits), the usual spellings of 方向 are read and anything else is refused, and no non-empty
 * row of a table is skipped silently. Pure: rows as the CSV reader gives them (text cells).
 */

/** Rows of text cells as the CSV reader gives them: line 1 is row 1, cells lettered A, B, … */
function grid(lines: readonly (readonly string[])[]): GridRow[] {
  return lines.map((cells, i) => ({ row: i + 1, cells: cells.map((raw, j) => ({ column: columnName(j), raw })) }));
}

const H = KPI_LIST_TEMPLATE_HEADER;
/** One template row; `over` replaces cells by heading. */
function kpiRow(no: string, over: Partial<Record<(typeof H)[number], string>> = {}): string[] {
  const base: Record<(typeof H)[number], string> = { No: no, 側面: '経済', '施策・取組': '取組A', 指標名: `指標${no}`, SDGターゲット: '', 単位: '人', 当初値の時点: '2023年', 当初値: '100', 実績の時点: '', 実績: '', 目標値の時点: '2026年', 目標値: '200', 達成度: '', 次期計画への反映状況: '', 方向: '' };
  return H.map((h) => over[h] ?? base[h]);
}
const table = (...rows: string[][]) => readKpiTable(grid([[KPI_LIST_TEMPLATE_PERIOD_ROW], [...H], ...rows]), 2026);
/** Column letter of a template heading. */
const col = (h: (typeof H)[number]) => columnName(H.indexOf(h));

describe('KPI-table value cells: read exactly or refused at row and column', () => {
  const refused: readonly [string, RegExp][] = [
    ['1e20', /指数表記/],
    ['1E+5', /指数表記/],
    ['1.5e-3', /指数表記/],
    ['１ｅ２０', /指数表記/],
    ['12e', /指数表記/],
    ['1 2', /別の数字「2」/],
    ['12 34人', /別の数字/],
    ['12-15', /単位ではありません/],
    ['12～15人', /単位ではありません/],
    ['12/15', /単位ではありません/],
    ['0x10', /単位ではありません/],
    ['1_000', /単位ではありません/],
    ['1,2,3', /3桁ごと/],
    ['12,34', /3桁ごと/],
    ['1.2.3', /小数点が複数/],
    ['--5', /符号/],
    ['1234567890123456', /有効数字が15桁/],
    ['abc', /読み取れません/],
  ];
  for (const [value, why] of refused) {
    it(`refuses 当初値 ${JSON.stringify(value)} at row 3, its column, saying why`, () => {
      const t = table(kpiRow('1', { 当初値: value }));
      expect(t.rows).toEqual([]);
      expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([[3, col('当初値'), 'unreadable-number']]);
      expect(t.problems[0]!.message.ja).toMatch(why);
      expect(t.problems[0]!.message.ja).toContain(value);
    });
  }

  const read: readonly [string, number, number][] = [
    ['１２３', 123, 0],
    ['1,234.5', 1234.5, 1],
    ['１，２３４．５', 1234.5, 1],
    ['△12', -12, 0],
    ['▲3.2', -3.2, 1],
    ['−5', -5, 0],
    ['100人', 100, 0],
    ['123456789012345', 123456789012345, 0],
    ['1万2600', 12600, 0],
  ];
  for (const [value, expected, decimals] of read) {
    it(`reads 当初値 ${JSON.stringify(value)} as ${expected}`, () => {
      const t = table(kpiRow('1', { 当初値: value }));
      expect(t.problems).toEqual([]);
      expect(t.rows[0]!.baseline).toMatchObject({ value: expected, decimals });
    });
  }

  it('an empty value under a time point, and a value without its time point, are refused at their cells', () => {
    const t = table(kpiRow('1', { 目標値: '' }), kpiRow('2', { 実績: '150' }));
    expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
      [3, col('目標値'), 'unreadable-number'],
      [4, col('実績の時点'), 'unreadable-time'],
    ]);
    expect(t.rows).toEqual([]);
  });

  it('a figure in another unit than the row is refused; a missing baseline is refused', () => {
    const t = table(kpiRow('1', { 目標値: '200件' }), kpiRow('2', { 当初値の時点: '', 当初値: '' }));
    expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
      [3, col('目標値'), 'unit-mismatch'],
      [4, col('当初値'), 'missing-baseline'],
    ]);
  });
});

describe('KPI-table 方向 (direction): the usual spellings, anything else refused at row and column', () => {
  const up = ['上', '増', '増加', '上昇', '向上', '↑', '⬆', '高い方が良い', '高いほうがよい', '高いほど良い', '大きい方が良い', '多いほどよい', 'up', 'UP', 'Ｕｐ', 'increase', ' 増加 '];
  const down = ['下', '減', '減少', '低下', '削減', '↓', '⬇', '低い方が良い', '低いほうがいい', '低いほどよい', '小さい方が良い', '少ないほど良い', 'down', 'Down', 'decrease'];
  it.each(up)('reads %j as up', (s) => expect(readDirection(s)).toBe('up'));
  it.each(down)('reads %j as down', (s) => expect(readDirection(s)).toBe('down'));

  it('a row with 下 imports with direction down; with 上, up', () => {
    const t = table(kpiRow('1', { 方向: '下', 目標値: '50' }), kpiRow('2', { 方向: '上' }));
    expect(t.problems).toEqual([]);
    expect(t.rows.map((r) => r.direction)).toEqual(['down', 'up']);
  });

  it('a direction that says keep / near the target is refused as not evaluable; an unknown word is refused; both at row and column', () => {
    const t = table(kpiRow('1', { 方向: '維持' }), kpiRow('2', { 方向: '目標値に近いほど良い' }), kpiRow('3', { 方向: '右' }), kpiRow('4', { 方向: '-' }), kpiRow('5', { 方向: '上下' }));
    expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([3, 4, 5, 6, 7].map((row) => [row, col('方向'), 'unreadable-direction']));
    expect(t.problems[0]!.message.ja).toContain('扱えません');
    expect(t.problems[2]!.message.ja).toBe('方向「右」が読めません。大きいほど良いなら「増加」（上・増・上昇・↑・up）、小さいほど良いなら「減少」（下・減・低下・↓・down）を書いてください');
    expect(t.rows).toEqual([]);
  });
});

describe('KPI-table rows: nothing skipped silently', () => {
  it('a row with No and unit but no name is refused at its row and the name column', () => {
    const t = table(kpiRow('1'), H.map((h) => (h === 'No' ? '2' : h === '単位' ? '人' : '')), kpiRow('3'));
    expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([[4, col('指標名'), 'missing-name']]);
    expect(t.problems[0]!.message.ja).toBe(`指標名がありません（この行には A「2」、${col('単位')}「人」 があります）。指標名を書くか、この行を削除してください`);
    expect(t.rows.map((r) => r.no)).toEqual(['1', '3']);
  });

  it('a lone No, a lone unit, a lone side word or a lone 方向 is a KPI row without its name, not a table title', () => {
    const lone = (h: (typeof H)[number], v: string) => H.map((x) => (x === h ? v : ''));
    const t = table(lone('No', '2'), lone('単位', '人'), lone('側面', '経済'), lone('方向', '上'), lone('No', '経3'), kpiRow('9'));
    expect(t.problems.map((p) => [p.row, p.kind])).toEqual([3, 4, 5, 6, 7].map((row) => [row, 'missing-name']));
    expect(t.rows.map((r) => r.no)).toEqual(['9']);
  });

  it('a title ends a table; KPI rows under it without a header row are refused, not skipped', () => {
    const t = table(kpiRow('1'), ['（２）次の表'], kpiRow('2'), kpiRow('3'));
    expect(t.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
      [5, 'A', 'outside-table'],
      [6, 'A', 'outside-table'],
    ]);
    expect(t.problems[0]!.message.ja).toContain('見出し行がない');
    expect(t.rows.map((r) => r.no)).toEqual(['1']);
  });

  it('a title followed by its own header starts the next table (nothing refused)', () => {
    const t = table(kpiRow('1'), ['（２）次の表'], [...H], kpiRow('2'));
    expect(t.problems).toEqual([]);
    expect(t.rows.map((r) => [r.no, r.table])).toEqual([['1', 0], ['2', 1]]);
    expect(t.sections).toEqual([{}, { title: '（２）次の表' }]);
  });
});
