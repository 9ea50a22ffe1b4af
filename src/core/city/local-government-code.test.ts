import { describe, expect, it } from 'vitest';
import { localGovernmentCheckDigit, parseLocalGovernmentCode } from './local-government-code.ts';

/** Real 全国地方公共団体コード (総務省), each with its municipality; remainders 0 and 1 included. */
const REAL: readonly (readonly [string, string])[] = [
  ['032093', '一関市'],
  ['082201', 'つくば市'],
  ['172014', '金沢市'],
  ['131016', '千代田区'],
  ['011002', '札幌市'],
  ['011011', '札幌市中央区'], // sum 11: remainder 0 → check digit 1
  ['022021', '弘前市'], // sum 22: remainder 0 → 1
  ['072010', '福島市'], // sum 45: remainder 1 → 0
  ['012025', '函館市'],
  ['022012', '青森市'],
  ['022039', '八戸市'],
  ['032018', '盛岡市'],
  ['041009', '仙台市'],
  ['052019', '秋田市'],
  ['062014', '山形市'],
  ['141003', '横浜市'],
  ['231002', '名古屋市'],
  ['271004', '大阪市'],
  ['472018', '那覇市'],
  ['010006', '北海道'],
  ['130001', '東京都'],
  ['020001', '青森県'],
];

describe('全国地方公共団体コード', () => {
  it.each(REAL)('accepts the real code %s (%s)', (code) => {
    const r = parseLocalGovernmentCode(code);
    expect(r.ok).toBe(true);
    expect(localGovernmentCheckDigit(code.slice(0, 5))).toBe(Number(code[5]));
  });

  it.each(REAL)('refuses %s (%s) with every other check digit', (code) => {
    for (let d = 0; d <= 9; d++) {
      if (d === Number(code[5])) continue;
      const r = parseLocalGovernmentCode(code.slice(0, 5) + d);
      expect(r).toEqual({ ok: false, error: { kind: 'check-digit', expected: Number(code[5]), given: d } });
    }
  });

  it('names the prefecture of the first two digits and checks it against the chosen one', () => {
    expect(parseLocalGovernmentCode('032093', '岩手県')).toEqual({ ok: true, value: { code: '032093', prefecture: '岩手県' } });
    expect(parseLocalGovernmentCode('172014', '石川県')).toEqual({ ok: true, value: { code: '172014', prefecture: '石川県' } });
    expect(parseLocalGovernmentCode('032093', '石川県')).toEqual({ ok: false, error: { kind: 'prefecture-mismatch', codePrefecture: '岩手県', given: '石川県' } });
  });

  it('reads full-width digits and surrounding spaces', () => {
    expect(parseLocalGovernmentCode(' ０８２２０１ ')).toEqual({ ok: true, value: { code: '082201', prefecture: '茨城県' } });
  });

  it.each(['', '03209', '0320933', '03209a', '03-2093', '32093 ', '３２０９３'])('refuses the malformed %j', (input) => {
    expect(parseLocalGovernmentCode(input)).toEqual({ ok: false, error: { kind: 'format' } });
  });

  it('refuses prefecture digits outside 01–47', () => {
    // 00 and 48–99 name no prefecture, whatever the check digit.
    for (const five of ['00100', '48201', '99999']) {
      const code = five + localGovernmentCheckDigit(five);
      expect(parseLocalGovernmentCode(code)).toEqual({ ok: false, error: { kind: 'prefecture', digits: five.slice(0, 2) } });
    }
  });
});
