import { describe, expect, it } from 'vitest';
import { parseSdgTargetList } from './parse-sdg-targets.ts';

function targets(s: string | readonly string[]): string[] {
  const r = parseSdgTargetList(s);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(s)} to be read: ${r.error.message}`);
  return r.value;
}

function targetsError(s: string | readonly string[]) {
  const r = parseSdgTargetList(s);
  if (r.ok) throw new Error(`expected ${JSON.stringify(s)} to be rejected`);
  return r.error;
}

describe('parseSdgTargetList: lists as printed beside KPIs', () => {
  it('reads 【…】 lists with or without spaces', () => {
    expect(targets('【2.3,2.4,8.3,8.5】')).toEqual(['2.3', '2.4', '8.3', '8.5']);
    expect(targets('【7.2, 7.3, 12.5, 12.8, 13.1, 13.2】')).toEqual(['7.2', '7.3', '12.5', '12.8', '13.1', '13.2']);
  });

  it('reads [...] lists with letter targets', () => {
    expect(targets('[11.1, 11.2, 11.a]')).toEqual(['11.1', '11.2', '11.a']);
  });

  it('reads full-width digits, points and commas', () => {
    expect(targets('【７．２，１３．３】')).toEqual(['7.2', '13.3']);
  });

  it('reads lists separated by spaces or 、', () => {
    expect(targets('11.1 11.2')).toEqual(['11.1', '11.2']);
    expect(targets('4.7 4.a')).toEqual(['4.7', '4.a']);
    expect(targets('5.1、5.4')).toEqual(['5.1', '5.4']);
  });

  it('reads a single target, including two-digit ones', () => {
    expect(targets('17.17')).toEqual(['17.17']);
    expect(targets('8.10')).toEqual(['8.10']);
  });

  it('reads a list of strings', () => {
    expect(targets(['9.5', '9.b'])).toEqual(['9.5', '9.b']);
    expect(targets([])).toEqual([]);
  });

  it('writes letters in lower case and drops duplicates, keeping the printed order', () => {
    expect(targets('【11.A, 11.1, 11.a】')).toEqual(['11.a', '11.1']);
    expect(targets('15.C')).toEqual(['15.c']);
  });

  it('reads an empty bracket or an empty cell as no targets', () => {
    expect(targets('【】')).toEqual([]);
    expect(targets('')).toEqual([]);
    expect(targets('[]')).toEqual([]);
  });
});

describe('parseSdgTargetList: what it rejects', () => {
  it('rejects a target that does not exist, naming it and the input', () => {
    const e = targetsError('【2.3,2.9】');
    expect(e.kind).toBe('unknown-sdg-target');
    expect(e.input).toBe('【2.3,2.9】');
    expect(e.message).toBe('unknown SDG target "2.9" in "【2.3,2.9】": 2.9: goal 2 has targets 2.1, 2.2, 2.3, 2.4, 2.5, 2.a, 2.b, 2.c');
    expect(e.messageJa).toBe('「【2.3,2.9】」のSDGターゲット「2.9」は存在しません：2.9：目標2のターゲットは 2.1, 2.2, 2.3, 2.4, 2.5, 2.a, 2.b, 2.c です');
  });

  it('rejects a goal that does not exist', () => {
    const e = targetsError('18.1');
    expect(e.kind).toBe('unknown-sdg-target');
    expect(e.message).toBe('unknown SDG target "18.1" in "18.1": 18.1: there is no goal 18 (goals are 1 to 17)');
  });

  it('rejects a letter the goal does not have, naming every unknown id', () => {
    const e = targetsError('[11.1, 11.z, 7.d]');
    expect(e.message).toContain('unknown SDG targets "11.z", "7.d" in "[11.1, 11.z, 7.d]"');
  });

  it('quotes a list of strings as JSON', () => {
    const e = targetsError(['9.5', '9.9']);
    expect(e.input).toBe('["9.5","9.9"]');
    expect(e.message).toContain('unknown SDG target "9.9" in "["9.5","9.9"]"');
  });

  it('rejects a token that is not a target id', () => {
    const e = targetsError('【2.3, abc】');
    expect(e.kind).toBe('unreadable-sdg-targets');
    expect(e.message).toBe('unreadable SDG targets "【2.3, abc】": "abc" is not a target id such as 11.1 or 11.a');
    expect(e.messageJa).toBe('SDGターゲット「【2.3, abc】」を読み取れません：「abc」は「11.1」「11.a」のようなターゲット番号ではありません');
  });

  it('says so when a goal number stands where a target should', () => {
    expect(targetsError('【11】').message).toBe('unreadable SDG targets "【11】": "11" is not a target id such as 11.1 or 11.a (11 alone is a goal)');
    expect(targetsError('2.3.1').kind).toBe('unreadable-sdg-targets');
  });
});
