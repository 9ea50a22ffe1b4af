import { describe, expect, it } from 'vitest';
import { readCsv } from './read-csv.ts';
import { csvCell, toCsv } from './write-csv.ts';

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
});
