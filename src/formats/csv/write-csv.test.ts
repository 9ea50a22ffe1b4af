import { describe, expect, it } from 'vitest';
import { readCsv } from './read-csv.ts';
import { csvCell, toCsv } from './write-csv.ts';
import { guardFormula, unguardFormula } from '../formula-guard.ts';

describe('CSV writing', () => {
  it('starts with a BOM, ends lines with CRLF and quotes what needs quoting', () => {
    const csv = toCsv({
      columns: ['name', 'value', 'note'],
      rows: [
        { name: '新規就農者数※累計', value: 101, note: 'a, "quoted"\nline' },
        { name: 'CO2', value: -21.7, note: null },
      ],
    });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('name,value,note\r\n新規就農者数※累計,101,"a, ""quoted""\nline"\r\nCO2,-21.7,\r\n');
    const back = readCsv(new TextEncoder().encode(csv), ['name', 'value', 'note']);
    expect(back.ok && back.rows.map((r) => r.cells['note'])).toEqual(['a, "quoted"\nline', '']);
  });

  it('keeps spreadsheets from running text as a formula, but leaves negative numbers alone', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('-21.7')).toBe('-21.7');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('guards the payloads that look like negative numbers, tabs, CRs and full-width triggers (issue 9)', () => {
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvCell('-0+HYPERLINK("http://x","y")')).toBe('"\'-0+HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    for (const wide of ['＝1+1', '＋1', '－1+cmd', '＠SUM(1)']) expect(csvCell(wide)).toBe(`'${wide}`);
    // Plain numbers, as text or as numbers, stay numbers.
    for (const n of ['-0', '+3', '-1.5e3', '.5']) expect(csvCell(n)).toBe(n);
    expect(csvCell(-0.5)).toBe('-0.5');
  });

  it('reads back what it guarded: the import takes the original text', () => {
    for (const s of ['=1', '-2+3', '＠x', '-21.7', "'plain", 'text']) expect(unguardFormula(guardFormula(s))).toBe(s);
  });
});
