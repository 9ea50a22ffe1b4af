import { describe, expect, it } from 'vitest';
import { departmentKey, normaliseNameFilter } from './city-kpi-list.service.ts';

describe('the KPI list’s text rules (issue 11.1)', () => {
  it('normalises a name fragment: NFKC, lower case, single spaces', () => {
    expect(normaliseNameFilter('（０００７－１２）')).toBe('(0007-12)');
    expect(normaliseNameFilter('  CO2\u3000排出量 ')).toBe('co2 排出量');
    expect(normaliseNameFilter('ｶﾞｽ')).toBe('ガス');
    expect(normaliseNameFilter(' \u3000 ')).toBe('');
  });

  it('reads a department printed as "-" or blank as none', () => {
    expect(departmentKey(undefined)).toBe('');
    expect(departmentKey('  ')).toBe('');
    expect(departmentKey('-')).toBe('');
    expect(departmentKey(' 環境課 ')).toBe('環境課');
  });
});
