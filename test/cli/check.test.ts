import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const fixture = (name: string) => new URL(`../fixtures/check/${name}`, import.meta.url).pathname;

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('michishirube check', () => {
  it('reads Tsukuba as published (UTF-8 with BOM) and explains every rate it cannot reproduce', async () => {
    const r = await run('check', fixture('tsukuba-2024-utf8-bom.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('23 行：再現 17、説明可 6');
    expect(r.out).toMatch(/公共交通満足度\s+544\.44\s+567\s+説明可\s+実績が四捨五入前の値/);
  });

  it('reads Shift_JIS (Ichinoseki) and explains the 様式3-3 CO₂ rate as actual / target', async () => {
    const r = await run('check', fixture('ichinoseki-2024-shift_jis.csv'), '--json');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(24);
    expect(lines[0]).toEqual({ name: '新規就農者数※累計', line: 2, rate: 61.1111111111, published_rate: 61.1, verdict: 'reproduced', explanation: null, notes: [] });
    const co2 = lines.find((l) => l.published_rate === 106.4);
    expect(co2).toMatchObject({ verdict: 'explained', explanation: { kind: 'ratio-method' } });
    expect(co2.explanation.text).toMatch(/実績÷目標.*actual \/ target/);
  });

  it('prints JSON Lines with the documented fields, null rate where target equals baseline', async () => {
    const r = await run('check', fixture('tsukuba-2024-utf8-bom.csv'), '--json');
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(lines[0]).sort()).toEqual(['explanation', 'line', 'name', 'notes', 'published_rate', 'rate', 'verdict']);
    expect(lines.find((l) => l.name.startsWith('つくばスタイル科'))).toMatchObject({ rate: null, published_rate: 106, verdict: 'explained' });
    expect(lines.find((l) => l.name === '公共交通満足度').explanation.text).toContain('an actual of 41.2, displayed 41');
  });

  it("handles other cities' notation: 和暦 with 元年 and H/R, full-width digits, ▲, 千t-CO2, 万人, a missing rate", async () => {
    const r = await run('check', fixture('other-cities.csv'), '--json');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verdict)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced', 'reproduced', 'reproduced', 'reproduced', 'explained', 'no-published-rate']);
    expect(lines[2]).toMatchObject({ name: '実質単年度収支', rate: 68.75 });
  });

  it('exits 1 when a rate is unexplained', async () => {
    const r = await run('check', fixture('unexplained.csv'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('説明不能');
  });

  it('exits 2 with the line and column of an unreadable cell, in one line', async () => {
    const r = await run('check', fixture('unreadable.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('michishirube: ' + fixture('unreadable.csv') + ': line 3, column 4 (actual_at): unreadable time point "2024年13月": month 13 is out of range');
  });

  it('exits 2 for a missing file or a usage mistake, without a stack trace', async () => {
    expect((await run('check', '/nonexistent.csv')).err).toBe('michishirube: cannot read /nonexistent.csv: no such file');
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it('rejects a file whose header is not the published-row header', async () => {
    const r = await run('check', fixture('wrong-header.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 1: the header lacks column/);
  });
});
