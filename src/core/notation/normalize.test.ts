import { describe, expect, it } from 'vitest';
import { normalizeNotation } from './normalize.ts';

describe('normalizeNotation', () => {
  it('turns full-width digits, letters and punctuation into ASCII', () => {
    expect(normalizeNotation('１，１１１')).toBe('1,111');
    expect(normalizeNotation('２０２４年３月')).toBe('2024年3月');
    expect(normalizeNotation('ＢＤｔ')).toBe('BDt');
    expect(normalizeNotation('【７．２，１３．３】')).toBe('【7.2,13.3】');
    expect(normalizeNotation('（累計）')).toBe('(累計)');
  });

  it('writes the percent sign in ASCII', () => {
    expect(normalizeNotation('-21.7 ％')).toBe('-21.7 %');
    expect(normalizeNotation('１０６％')).toBe('106%');
  });

  it('turns every minus and hyphen character into "-"', () => {
    expect(normalizeNotation('−21.7')).toBe('-21.7'); // U+2212 minus sign
    expect(normalizeNotation('－21.7')).toBe('-21.7'); // full-width hyphen-minus
    expect(normalizeNotation('‐5')).toBe('-5'); // hyphen
    expect(normalizeNotation('‒5')).toBe('-5'); // figure dash
    expect(normalizeNotation('t－CO2')).toBe('t-CO2');
  });

  it('turns dashes and the long-vowel mark into "-" only before digits', () => {
    expect(normalizeNotation('–3')).toBe('-3');
    expect(normalizeNotation('—3')).toBe('-3');
    expect(normalizeNotation('―3')).toBe('-3');
    expect(normalizeNotation('ー5')).toBe('-5');
    expect(normalizeNotation('2020ー2024')).toBe('2020-2024');
    // ー after kana is a long vowel, not a minus
    expect(normalizeNotation('センター2')).toBe('センター2');
    expect(normalizeNotation('データ')).toBe('データ');
    expect(normalizeNotation('スーパー')).toBe('スーパー');
  });

  it('keeps ▲ and △, which mark negative figures', () => {
    expect(normalizeNotation('▲3.2')).toBe('▲3.2');
    expect(normalizeNotation('△3.2')).toBe('△3.2');
  });

  it('turns the wave dashes of ranges into ～', () => {
    expect(normalizeNotation('2020年～2024年')).toBe('2020年～2024年');
    expect(normalizeNotation('2020年〜2024年')).toBe('2020年～2024年');
    expect(normalizeNotation('2020年~2024年')).toBe('2020年～2024年');
    expect(normalizeNotation('２０２０年～２０２４年')).toBe('2020年～2024年');
  });

  it('turns every kind of space into one ASCII space and trims', () => {
    expect(normalizeNotation('　令和６年８月 ')).toBe('令和6年8月');
    expect(normalizeNotation('1,111\u00A0\u00A0社')).toBe('1,111 社');
    expect(normalizeNotation('2,778 千　t-CO2')).toBe('2,778 千 t-CO2');
    expect(normalizeNotation('二酸化炭素\n\t排出量')).toBe('二酸化炭素 排出量');
  });

  it('does not damage Japanese: half-width katakana become full-width', () => {
    expect(normalizeNotation('ｶﾞｽ')).toBe('ガス');
    expect(normalizeNotation('ｾﾝﾀｰ')).toBe('センター');
    expect(normalizeNotation('新規就農者数※累計')).toBe('新規就農者数※累計');
    expect(normalizeNotation('㍻28年度')).toBe('平成28年度');
  });

  it('keeps superscripts of units and writes ㎡ ㎥ with them', () => {
    expect(normalizeNotation('6,657 m³')).toBe('6,657 m³');
    expect(normalizeNotation('㎥')).toBe('m³');
    expect(normalizeNotation('㎡')).toBe('m²');
  });

  it('writes subscript digits as digits (t-CO₂ is t-CO2)', () => {
    expect(normalizeNotation('千t-CO₂')).toBe('千t-CO2');
  });

  it('returns "" for blank input', () => {
    expect(normalizeNotation('')).toBe('');
    expect(normalizeNotation(' \u3000 ')).toBe('');
  });
});
