import { describe, expect, it } from 'vitest';
import { fail, ok, quoteEn, quoteJa, type Parsed } from './notation-error.ts';

describe('Parsed results', () => {
  it('carries a value on success', () => {
    const r: Parsed<number> = ok(42);
    expect(r).toEqual({ ok: true, value: 42 });
  });

  it('carries a kind, the input and two messages on failure', () => {
    const r: Parsed<number> = fail(
      'unreadable-time',
      '2024年13月',
      'unreadable time point "2024年13月": month 13 is out of range',
      '時点「2024年13月」を読み取れません：月は1～12です',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({
      kind: 'unreadable-time',
      input: '2024年13月',
      message: 'unreadable time point "2024年13月": month 13 is out of range',
      messageJa: '時点「2024年13月」を読み取れません：月は1～12です',
    });
  });

  it('narrows on ok, so callers handle both branches', () => {
    const read = (r: Parsed<number>): string => (r.ok ? `value ${r.value}` : `error ${r.error.kind}`);
    expect(read(ok(1))).toBe('value 1');
    expect(read(fail('empty', '', 'empty', '空'))).toBe('error empty');
  });
});

describe('quoting the input in messages', () => {
  it('quotes in the style of each language', () => {
    expect(quoteEn('1,11')).toBe('"1,11"');
    expect(quoteJa('1,11')).toBe('「1,11」');
  });

  it('cuts a very long input in the message only', () => {
    const long = 'あ'.repeat(200);
    expect(quoteEn(long)).toBe(`"${'あ'.repeat(80)}…"`);
    expect(quoteJa(long)).toBe(`「${'あ'.repeat(80)}…」`);
  });
});
