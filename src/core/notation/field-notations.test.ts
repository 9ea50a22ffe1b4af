import { describe, expect, it } from 'vitest';
import { kpiNameKey } from './parse-kpi-name.ts';
import { isNotAvailable } from './parse-number.ts';
import { parseFigure, parsePublishedRate, parseQuantity } from './parse-quantity.ts';
import { parseTimePointNoted } from './parse-time-point.ts';
import { normalizeNotation } from './normalize.ts';

/*
 * Notations other cities print (issue 12, field cases in test/fixtures/spreadsheets): each kind
 * with more spellings than the cases given.
 */

const at = (s: string) => {
  const r = parseTimePointNoted(s);
  if (!r.ok) throw new Error(`expected ${s} to be read: ${r.error.message}`);
  return r.value;
};

describe('time points: 西暦 and 和暦 together, dotted era forms, era years past the end', () => {
  it.each([
    ['令和元(2019)年度', { kind: 'fiscal-year', year: 2019 }],
    ['令和5(2023)年度', { kind: 'fiscal-year', year: 2023 }],
    ['令和５（２０２３）年度', { kind: 'fiscal-year', year: 2023 }],
    ['2023(令和5)年度', { kind: 'fiscal-year', year: 2023 }],
    ['2023（R5）年度', { kind: 'fiscal-year', year: 2023 }],
    ['R5(2023)年度', { kind: 'fiscal-year', year: 2023 }],
    ['平成28(2016)年', { kind: 'year', year: 2016 }],
    ['令和6(2024)年3月', { kind: 'month', year: 2024, month: 3 }],
    ['2023年度(令和5年度)', { kind: 'fiscal-year', year: 2023 }],
    ['令和5年度（2023年度）', { kind: 'fiscal-year', year: 2023 }],
    ['R6.3', { kind: 'month', year: 2024, month: 3 }],
    ['Ｒ６．３', { kind: 'month', year: 2024, month: 3 }],
    ['H30.3末現在', { kind: 'month', year: 2018, month: 3 }],
    ['H30.3末', { kind: 'month', year: 2018, month: 3 }],
    ['R6.3末時点', { kind: 'month', year: 2024, month: 3 }],
    ['R5.4.1現在', { kind: 'day', year: 2023, month: 4, day: 1 }],
    ['令和6年3月末日', { kind: 'month', year: 2024, month: 3 }],
    ['H30年度末', { kind: 'fiscal-year', year: 2018 }],
    ['r6', { kind: 'year', year: 2024 }],
  ])('%s', (text, expected) => {
    expect(at(text).point).toEqual(expected);
    expect(at(text).notes).toEqual([]);
  });

  it('reads a period with both notations on each side', () => {
    expect(at('平成28(2016)年～令和2(2020)年').point).toEqual({ kind: 'period', from: { kind: 'year', year: 2016 }, to: { kind: 'year', year: 2020 } });
  });

  it.each([
    ['平成32年度', { kind: 'fiscal-year', year: 2020 }, '2020年度（令和2年度）'],
    ['平成37年度', { kind: 'fiscal-year', year: 2025 }, '2025年度（令和7年度）'],
    ['H37年度', { kind: 'fiscal-year', year: 2025 }, '2025年度'],
    ['平成35年', { kind: 'year', year: 2023 }, '2023年（令和5年）'],
    ['平成33年3月', { kind: 'month', year: 2021, month: 3 }, '2021年'],
  ])('%s past the end of 平成 is read as the year it means, with a note', (text, expected, noteText) => {
    const r = at(text);
    expect(r.point).toEqual(expected);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]!.kind).toBe('era-year-past-end');
    expect(r.notes[0]!.ja).toContain(noteText);
  });

  it('never turns a fiscal year into a calendar year, neither in reading nor in a hint', () => {
    expect(at('平成37年度').point.kind).toBe('fiscal-year');
    const far = parseTimePointNoted('平成90年度');
    expect(far.ok).toBe(false);
    if (!far.ok) {
      expect(far.error.messageJa).toContain('「2078年度」');
      expect(far.error.messageJa).not.toMatch(/2078年(?!度)/);
    }
  });

  it('keeps refusing a month that never existed in its era (a typo, not a plan written ahead)', () => {
    expect(parseTimePointNoted('平成31年5月').ok).toBe(false);
    expect(parseTimePointNoted('令和元年4月').ok).toBe(false);
  });
});

describe('figures: 万 and 億 inside, markers kept as notes', () => {
  it.each([
    ['1万155回', 10155, '回'],
    ['1万2600回', 12600, '回'],
    ['１万２６００回', 12600, '回'],
    ['3億5000万円', 350_000_000, '円'],
    ['1億2345万6789人', 123_456_789, '人'],
    ['2億50人', 200_000_050, '人'],
    ['▲1万5000t', -15000, 't'],
    ['12万3,456人', 123_456, '人'],
  ])('%s = %d %s', (text, value, unit) => {
    const r = parseQuantity(text);
    expect(r.ok && r.value).toEqual({ value, decimals: 0, unit });
  });

  it('keeps a multiplier with nothing after it as the unit, as tables print them', () => {
    expect(parseQuantity('2万人')).toEqual({ ok: true, value: { value: 2, decimals: 0, unit: '万人' } });
    expect(parseQuantity('1,020 万人')).toEqual({ ok: true, value: { value: 1020, decimals: 0, unit: '万人' } });
    expect(parseQuantity('3億円')).toEqual({ ok: true, value: { value: 3, decimals: 0, unit: '億円' } });
  });

  it('refuses a part after 万 that is 10,000 or more', () => {
    const r = parseQuantity('1万12345回');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.messageJa).toContain('10,000未満');
  });

  it.each([
    ['約1,200人', 1200, '人', 'approximate', '約'],
    ['およそ30%', 30, '%', 'approximate', 'およそ'],
    ['概ね 50件', 50, '件', 'approximate', '概ね'],
    ['1,200人程度', 1200, '人', 'approximate', '程度'],
    ['300人前後', 300, '人', 'approximate', '前後'],
    ['1,234人※1', 1234, '人', 'footnote', '※1'],
    ['※2 1,234人', 1234, '人', 'footnote', '※2'],
    ['1,234人(注2)', 1234, '人', 'footnote', '(注2)'],
    ['注1 5.0%', 5, '%', 'footnote', '注1'],
    ['100人以上', 100, '人', 'bound', '以上'],
    ['1万155回※', 10155, '回', 'footnote', '※'],
  ])('%s keeps its number and notes the marker', (text, value, unit, kind, marker) => {
    const r = parseFigure(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ value, unit });
    expect(r.value.notes.map((n) => n.kind)).toEqual([kind]);
    expect(r.value.notes[0]!.ja).toContain(marker);
  });

  it('keeps a rank as its unit (3位 is not an approximation)', () => {
    expect(parseFigure('3位')).toEqual({ ok: true, value: { value: 3, decimals: 0, unit: '位', notes: [] } });
  });

  it.each(['－', '-', '―', '‐', '—', 'ー', '－－', '集計中', '調査中', '未集計', '(集計中)', 'N/A', '…'])('%s means "no figure"', (text) => {
    expect(isNotAvailable(normalizeNotation(text))).toBe(true);
    const r = parseFigure(text);
    expect(r.ok === false && r.error.kind).toBe('not-available');
  });
});

describe('published rates: grades and fractions', () => {
  it.each(['◎', '○', '〇', '△', '×', 'S', 'A', 'B', 'C', 'D', 'Ａ', 'A評価', '達成', '未達成', '概ね達成', '100%超', '100％以上'])('%s is a grade', (text) => {
    const r = parsePublishedRate(text);
    expect(r.ok && r.value.kind).toBe('grade');
  });

  it('reads a bare number without the % sign (a fraction to try) and a rate with it', () => {
    expect(parsePublishedRate('-1.25')).toEqual({ ok: true, value: { kind: 'rate', value: -1.25, decimals: 2, percentSign: false } });
    expect(parsePublishedRate('50.0％')).toEqual({ ok: true, value: { kind: 'rate', value: 50, decimals: 1, percentSign: true } });
    expect(parsePublishedRate('－').ok === false && (parsePublishedRate('－') as { error: { kind: string } }).error.kind).toBe('not-available');
  });
});

describe('KPI names as typed in files', () => {
  it.each([
    ['地域包括支援センターへの延べ相談件数（年間）', '地域包括支援センターへの延べ相談件数(年間)'],
    ['「いちのせきＳＤＧｓプラットフォーム」に参加する団体数※累計', '「いちのせきSDGsプラットフォーム」に参加する団体数※累計'],
    ['二酸化炭素排出削減割合（２０１３年比）', '二酸化炭素排出削減割合(2013年比)'],
    ['SDGs 認知度', 'ＳＤＧＳ認知度'],
    ['相談件数［年間］', '相談件数(年間)'],
    ['新規就農者数※累計【2.3,2.4】', '新規就農者数※累計'],
  ])('%s matches %s', (a, b) => {
    expect(kpiNameKey(a)).toBe(kpiNameKey(b));
  });

  it('keeps different names different', () => {
    expect(kpiNameKey('相談件数(年間)')).not.toBe(kpiNameKey('相談件数(累計)'));
  });
});
