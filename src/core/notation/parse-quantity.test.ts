import { describe, expect, it } from 'vitest';
import { normalizeUnit, parseFigure, parseQuantity, parseRate, scaledUnit, type ParseQuantityOptions } from './parse-quantity.ts';

function quantity(s: string, opts?: ParseQuantityOptions) {
  const r = parseQuantity(s, opts);
  if (!r.ok) throw new Error(`expected ${s} to be read: ${r.error.message}`);
  return r.value;
}

function quantityError(s: string, opts?: ParseQuantityOptions) {
  const r = parseQuantity(s, opts);
  if (r.ok) throw new Error(`expected ${s} to be rejected`);
  return r.error;
}

function rate(s: string) {
  const r = parseRate(s);
  if (!r.ok) throw new Error(`expected ${s} to be read: ${r.error.message}`);
  return r.value;
}

function rateError(s: string) {
  const r = parseRate(s);
  if (r.ok) throw new Error(`expected ${s} to be rejected`);
  return r.error;
}

describe('parseQuantity: figures with their unit as printed in the seeds', () => {
  it('reads counts with or without a space before the unit', () => {
    expect(quantity('1,111 社')).toEqual({ value: 1111, decimals: 0, unit: '社' });
    expect(quantity('13 人')).toEqual({ value: 13, decimals: 0, unit: '人' });
    expect(quantity('3か所')).toEqual({ value: 3, decimals: 0, unit: 'か所' });
    expect(quantity('16学園')).toEqual({ value: 16, decimals: 0, unit: '学園' });
    expect(quantity('27 取組')).toEqual({ value: 27, decimals: 0, unit: '取組' });
    expect(quantity('8,823件')).toEqual({ value: 8823, decimals: 0, unit: '件' });
  });

  it('reads signed percentages, writing ％ as %', () => {
    expect(quantity('-21.7 ％')).toEqual({ value: -21.7, decimals: 1, unit: '%' });
    expect(quantity('−11.4 ％')).toEqual({ value: -11.4, decimals: 1, unit: '%' });
    expect(quantity('41%')).toEqual({ value: 41, decimals: 0, unit: '%' });
    expect(quantity('65%')).toEqual({ value: 65, decimals: 0, unit: '%' });
  });

  it('reads physical units', () => {
    expect(quantity('74 BDt')).toEqual({ value: 74, decimals: 0, unit: 'BDt' });
    expect(quantity('147,679t')).toEqual({ value: 147679, decimals: 0, unit: 't' });
    expect(quantity('6,657 m³')).toEqual({ value: 6657, decimals: 0, unit: 'm³' });
    expect(quantity('6,657 m3')).toEqual({ value: 6657, decimals: 0, unit: 'm³' });
    expect(quantity('６，６５７㎥')).toEqual({ value: 6657, decimals: 0, unit: 'm³' });
  });

  it('keeps 千 as part of the unit and removes spaces inside the unit', () => {
    expect(quantity('2,778 千 t-CO2')).toEqual({ value: 2778, decimals: 0, unit: '千t-CO2' });
    expect(quantity('2,778 千t-CO2')).toEqual({ value: 2778, decimals: 0, unit: '千t-CO2' });
    expect(quantity('1,761 千ｔ－ＣＯ₂')).toEqual({ value: 1761, decimals: 0, unit: '千t-CO2' });
    expect(quantity('70.1 千人')).toEqual({ value: 70.1, decimals: 1, unit: '千人' });
  });

  it('reads ▲ as negative and a bare number with an empty unit', () => {
    expect(quantity('▲3.2')).toEqual({ value: -3.2, decimals: 1, unit: '' });
    expect(quantity('157')).toEqual({ value: 157, decimals: 0, unit: '' });
  });
});

describe('parseQuantity with the KPI\'s expected unit', () => {
  it('gives a bare number the expected unit', () => {
    expect(quantity('157', { expectedUnit: '人' })).toEqual({ value: 157, decimals: 0, unit: '人' });
  });

  it('accepts the same unit in another spelling', () => {
    expect(quantity('-21.7 ％', { expectedUnit: '%' }).unit).toBe('%');
    expect(quantity('2,778 千 t-CO2', { expectedUnit: '千t-CO2' }).unit).toBe('千t-CO2');
    expect(quantity('6,657 m3', { expectedUnit: 'm³' }).unit).toBe('m³');
  });

  it('rejects another unit: 千t-CO2 in a column in t is 1,000 times off', () => {
    const e = quantityError('2,778 千t-CO2', { expectedUnit: 't' });
    expect(e.kind).toBe('unit-mismatch');
    expect(e.input).toBe('2,778 千t-CO2');
    expect(e.message).toBe('unit mismatch in "2,778 千t-CO2": the unit is "千t-CO2", expected "t"');
    expect(e.messageJa).toBe('「2,778 千t-CO2」の単位「千t-CO2」は期待される単位「t」と異なります');
  });
});

describe('parseQuantity: what it rejects', () => {
  it('rejects an empty cell and marks a dash as not available', () => {
    expect(quantityError('').kind).toBe('empty');
    expect(quantityError('－').kind).toBe('not-available');
  });

  it('rejects text that does not start with a number', () => {
    const e = quantityError('約3か所');
    expect(e.kind).toBe('unreadable-quantity');
    expect(e.message).toBe('unreadable quantity "約3か所": expected a number then a unit, such as "1,111 社" or "41%"');
    expect(quantityError('人').kind).toBe('unreadable-quantity');
  });

  it('gives the precise reason for a bad number', () => {
    const e = quantityError('1,11 社');
    expect(e.kind).toBe('unreadable-number');
    expect(e.message).toBe('unreadable quantity "1,11 社": thousands separators must group the digits in threes');
    expect(e.messageJa).toBe('数量「1,11 社」を読み取れません：桁区切りのカンマは3桁ごとです');
    expect(quantityError('--5 人').message).toBe('unreadable quantity "--5 人": more than one sign "--"');
  });
});

describe('normalizeUnit', () => {
  it('brings units to one spelling', () => {
    expect(normalizeUnit('％')).toBe('%');
    expect(normalizeUnit(' 千 t-CO₂ ')).toBe('千t-CO2');
    expect(normalizeUnit('m3')).toBe('m³');
    expect(normalizeUnit('km2')).toBe('km²');
    expect(normalizeUnit('ｔ')).toBe('t');
  });

  it('keeps counting words as printed', () => {
    expect(normalizeUnit('か所')).toBe('か所');
    expect(normalizeUnit('ヶ所')).toBe('ヶ所');
    expect(normalizeUnit('t-CO2')).toBe('t-CO2');
  });
});

describe('parseRate: published achievement rates (達成度)', () => {
  it('reads rates in percent as printed in the sheets', () => {
    expect(rate('65%')).toEqual({ value: 65, decimals: 0 });
    expect(rate('61.1%')).toEqual({ value: 61.1, decimals: 1 });
    expect(rate('-683%')).toEqual({ value: -683, decimals: 0 });
    expect(rate('0.0%')).toEqual({ value: 0, decimals: 1 });
    expect(rate('１０６％')).toEqual({ value: 106, decimals: 0 });
    expect(rate('345.2 ％')).toEqual({ value: 345.2, decimals: 1 });
  });

  it('reads a bare number as percent (the % is often in the header)', () => {
    expect(rate('106')).toEqual({ value: 106, decimals: 0 });
  });

  it('rejects any other unit', () => {
    const e = rateError('65人');
    expect(e.kind).toBe('unit-mismatch');
    expect(e.message).toBe('unreadable achievement rate "65人": a rate is in percent (%), not "人"');
    expect(e.messageJa).toBe('達成度「65人」を読み取れません：達成度の単位は「%」で、「人」ではありません');
  });

  it('rejects what is not a number', () => {
    expect(rateError('abc').kind).toBe('unreadable-quantity');
    expect(rateError('').kind).toBe('empty');
    expect(rateError('1.2.3%').message).toBe('unreadable achievement rate "1.2.3%": more than one decimal point');
    expect(rateError('1.2.3%').messageJa).toBe('達成度「1.2.3%」を読み取れません：小数点が複数あります');
  });
});

describe('parseQuantity / parseFigure: text after the number that continues it is never a unit (issue 13 attack pass)', () => {
  const refused = ['1e20', '1E+5', '1.5e-3', '12 e5', '1e20人', '1 2', '12 34人', '12-15人', '12～15', '12/15', '0x10', '1_000', '1万2e5'];
  it.each(refused)('refuses %j as unreadable-number with the reason', (s) => {
    for (const parse of [parseQuantity, parseFigure]) {
      const r = parse(s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('unreadable-number');
    }
  });
  it('says what is wrong', () => {
    const e = parseQuantity('1e20');
    expect(!e.ok && e.error.messageJa).toBe('数量「1e20」を読み取れません：指数表記（1e20 など）は読めません。数値を桁どおりに書いてください');
    const two = parseQuantity('1 2');
    expect(!two.ok && two.error.message).toBe('unreadable quantity "1 2": a second number "2" follows the first: write one figure per cell');
  });
  it('refuses more than 15 significant digits (a double would store another number)', () => {
    const r = parseQuantity('1234567890123456');
    expect(!r.ok && r.error.messageJa).toContain('有効数字が15桁を超える');
    expect(parseQuantity('123456789012345')).toMatchObject({ ok: true, value: { value: 123456789012345 } });
    expect(parseQuantity('0.000000000000001')).toMatchObject({ ok: true, value: { value: 1e-15 } });
  });
  it('keeps units that start with a letter or symbol, digits inside them too', () => {
    expect(parseQuantity('12 t-CO2')).toMatchObject({ ok: true, value: { unit: 't-CO2' } });
    expect(parseQuantity('3 km2')).toMatchObject({ ok: true, value: { unit: 'km²' } });
    expect(parseQuantity('25℃')).toMatchObject({ ok: true, value: { unit: '°C' } });
    expect(parseQuantity('4 人/日')).toMatchObject({ ok: true, value: { unit: '人/日' } });
  });
});

describe('万/億/千 before the KPI\'s base unit: the figure is scaled, with a note', () => {
  it.each([
    ['1万件', '件', 10000, 0],
    ['2.5万人', '人', 25000, 0],
    ['1億2000万円', '円', 120000000, 0],
    ['2億円', '円', 200000000, 0],
    ['3百万円', '円', 3000000, 0],
    ['2千t-CO2', 't-CO2', 2000, 0],
    ['15,000人', '万人', 1.5, 1],
    ['2,778千t-CO2', '千t-CO2', 2778, 0],
    ['1.23456万人', '人', 12345.6, 1],
  ])('%s in %s is %d (decimals %d)', (printed, unit, value, decimals) => {
    const r = parseFigure(printed, { expectedUnit: unit });
    expect(r.ok && { value: r.value.value, decimals: r.value.decimals, unit: r.value.unit }).toEqual({ value, decimals, unit });
    const scaled = r.ok && r.value.notes.some((n) => n.kind === 'scaled');
    // 1億2000万円 is read whole (万 inside the number); 2,778千t-CO2 is already in the KPI's unit.
    expect(scaled).toBe(!['2,778千t-CO2', '1億2000万円'].includes(printed));
  });

  it('another base unit is a unit-mismatch that names the unit read', () => {
    const r = parseQuantity('1万人', { expectedUnit: '件' });
    expect(!r.ok && { kind: r.error.kind, unit: r.error.unit }).toEqual({ kind: 'unit-mismatch', unit: '万人' });
  });

  it.each([
    ['万人', 4, '人'],
    ['百万円', 6, '円'],
    ['千t-CO2', 3, 't-CO2'],
    ['十億円', 9, '円'],
    ['百貨店', 0, '百貨店'],
    ['人', 0, '人'],
  ])('%s is 10^%d %s', (unit, power, base) => {
    expect(scaledUnit(unit)).toMatchObject({ power, base });
  });
});
