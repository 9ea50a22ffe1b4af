import { describe, expect, it } from 'vitest';
import { isLiteralPercentFormat, isPercentFormat, renderNumber } from './cell-format.ts';
import { quoteEscapes } from './observation-workbook.reader.ts';

describe('a % in a number format: Excel percent (×100) or a literal', () => {
  it.each([
    ['0.0%', true, false],
    ['#,##0.00%', true, false],
    ['0.0"%"', false, true],
    ['0.0\\%', false, true],
    ['0\\%;[Red]-0\\%', false, true],
    ['0.0"pt"%', true, false],
    ['"%"@', false, false],
    ['0.0', false, false],
  ])('%s: percent %s, literal %s', (format, percent, literal) => {
    expect(isPercentFormat(format)).toBe(percent);
    expect(isLiteralPercentFormat(format)).toBe(literal);
  });

  it('escapes become quoted literals, so ExcelJS (which drops backslashes) keeps their meaning', () => {
    expect(quoteEscapes('0.0\\%')).toBe('0.0"%"');
    expect(quoteEscapes('#,##0\\ \\%;[Red]-#,##0\\%')).toBe('#,##0" %";[Red]-#,##0"%"');
    expect(quoteEscapes('yyyy"年\\"m\\月')).toBe('yyyy"年\\"m"月"');
    expect(quoteEscapes('0.0%')).toBe('0.0%');
  });

  it('renders what the cell shows', () => {
    expect(renderNumber(0.8, '0.0"%"')).toBe('0.8%');
    expect(renderNumber(90, '0"%"')).toBe('90%');
    expect(renderNumber(0.901, '0.0%')).toBe('90.1%');
    expect(renderNumber(1234.5, '#,##0.0" %"')).toBe('1,234.5 %');
    expect(renderNumber(-2.5, '0.0"%";[Red]"▲"0.0"%"')).toBe('▲2.5%');
  });
});
