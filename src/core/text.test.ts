import { describe, expect, it } from 'vitest';
import { controlCharacterIn, describeTextProblem, invisibleCharacterIn, textProblemIn } from './text.ts';

/*
 * The text rules of every stored text (core/text.ts): C0 and C1 controls, and the invisible
 * format characters that can make a text read as another (bidi overrides and isolates,
 * zero-width characters, tags), are refused with the character named; Japanese text, full-width
 * forms, variation selectors (異体字) and line breaks in a multi-line text pass.
 */

describe('text rules', () => {
  it.each([
    ['NUL', 'a\u0000b', 'U+0000'],
    ['bell', '指標\u0007', 'U+0007'],
    ['DEL', 'x\u007F', 'U+007F'],
    ['C1 first', 'x\u0080', 'U+0080'],
    ['C1 NEL', '一関\u0085市', 'U+0085'],
    ['C1 last', '\u009Fx', 'U+009F'],
  ])('refuses a control character (%s)', (_, text, char) => {
    expect(controlCharacterIn(text)).toBe(char);
    expect(textProblemIn(text)).toEqual({ kind: 'control', char });
  });

  it.each([
    ['LRE', '\u202A', 'U+202A'],
    ['RLE', '\u202B', 'U+202B'],
    ['PDF', '\u202C', 'U+202C'],
    ['LRO', '\u202D', 'U+202D'],
    ['RLO (2025 reads 5202)', '目標\u202E2025\u202C年', 'U+202E'],
    ['LRI', '\u2066', 'U+2066'],
    ['RLI', '\u2067', 'U+2067'],
    ['FSI', '\u2068', 'U+2068'],
    ['PDI', '\u2069', 'U+2069'],
    ['LRM', '\u200E', 'U+200E'],
    ['RLM', '\u200F', 'U+200F'],
    ['ALM', '\u061C', 'U+061C'],
    ['zero-width space', '新規\u200B就農者', 'U+200B'],
    ['zero-width non-joiner', '\u200C', 'U+200C'],
    ['zero-width joiner', '\u200D', 'U+200D'],
    ['word joiner', '\u2060', 'U+2060'],
    ['invisible times', '\u2062', 'U+2062'],
    ['soft hyphen', 'co\u00ADop', 'U+00AD'],
    ['BOM inside a text', '人\uFEFF数', 'U+FEFF'],
    ['line separator', 'a\u2028b', 'U+2028'],
    ['paragraph separator', 'a\u2029b', 'U+2029'],
    ['tag character', 'x\u{E0041}', 'U+E0041'],
    ['interlinear annotation', '\uFFF9', 'U+FFF9'],
  ])('refuses an invisible format character (%s)', (_, text, char) => {
    expect(controlCharacterIn(text)).toBeNull();
    expect(invisibleCharacterIn(text)).toBe(char);
    expect(textProblemIn(text)).toEqual({ kind: 'invisible', char });
    expect(describeTextProblem({ kind: 'invisible', char }).ja).toContain(char);
  });

  it.each([
    ['Japanese with 【】 and full-width digits', '新規就農者数（累計）【２．３，８．５】'],
    ['full-width Latin and the ideographic space', 'ＳＤＧｓ　推進'],
    ['half-width katakana', 'ｲﾁﾉｾｷ'],
    ['a variation selector (異体字)', '葛\u{E0100}飾'],
    ['an emoji variation selector', '☀\uFE0F'],
    ['units', '㎥・t-CO₂・％・㎡'],
    ['an en dash and a wave dash', '2020年～2024年 – 第2期'],
  ])('accepts %s', (_, text) => {
    expect(textProblemIn(text, true)).toBeNull();
  });

  it('lets line breaks and tabs through a multi-line text only', () => {
    expect(textProblemIn('一行目\n二行目\r\n\t三行目')).toBeNull();
    expect(textProblemIn('一行目\n二行目', true)).toEqual({ kind: 'control', char: 'U+000A' });
  });
});
