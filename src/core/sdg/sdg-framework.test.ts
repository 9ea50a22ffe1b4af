import { describe, expect, it } from 'vitest';
import data from './sdg-framework.json' with { type: 'json' };
import {
  contrastRatio,
  findSdgGoal,
  findSdgTarget,
  goalOfTarget,
  indicatorsOfTarget,
  sdgFrameworkSource,
  sdgGoals,
  sdgIndicators,
  sdgTargets,
  targetsOfGoal,
  textColourOn,
  validateSdgTargetIds,
  WCAG_AA,
} from './sdg-framework.ts';

describe('the SDG framework', () => {
  it('has the 17 goals in order, with their numbers', () => {
    expect(sdgGoals).toHaveLength(17);
    expect(sdgGoals.map((g) => g.number)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(sdgGoals.map((g) => g.id)).toEqual(sdgGoals.map((g) => String(g.number)));
  });

  it('has 169 targets and the indicators of the source', () => {
    expect(sdgTargets).toHaveLength(169);
    expect(sdgIndicators).toHaveLength(data.indicators.length);
    expect(sdgIndicators.length).toBeGreaterThanOrEqual(231);
  });

  it('gives goals in Japanese and English, with the UN colours', () => {
    const goal1 = findSdgGoal('1');
    expect(goal1).toMatchObject({ id: '1', number: 1, colour: '#E5243B', short: { ja: '貧困をなくそう', en: 'No poverty' } });
    expect(goal1?.title.en).toBe('End poverty in all its forms everywhere');
    expect(findSdgGoal(7)?.colour).toBe('#FCC30B');
    expect(findSdgGoal(17)?.colour).toBe('#19486A');
    for (const g of sdgGoals) expect(g.colour).toMatch(/^#[0-9A-F]{6}$/);
  });

  it('has the letter targets and the two-digit ones', () => {
    for (const id of ['11.a', '15.c', '17.17', '8.10', '16.10', '3.d']) expect(findSdgTarget(id)?.id).toBe(id);
    expect(findSdgTarget('11.a')?.goal).toBe('11');
    expect(findSdgTarget('7.2')?.title.ja).toBeTruthy();
  });

  it('returns undefined or nothing for what does not exist', () => {
    expect(findSdgGoal('18')).toBeUndefined();
    expect(findSdgGoal(0)).toBeUndefined();
    for (const id of ['2.9', '18.1', '11.z', '11.A', '8.1.0', '']) expect(findSdgTarget(id)).toBeUndefined();
    expect(targetsOfGoal('18')).toEqual([]);
    expect(indicatorsOfTarget('2.9')).toEqual([]);
    expect(goalOfTarget('2.9')).toBeUndefined();
  });

  it('lists the targets of a goal in UN order', () => {
    expect(targetsOfGoal('2').map((t) => t.id)).toEqual(['2.1', '2.2', '2.3', '2.4', '2.5', '2.a', '2.b', '2.c']);
    expect(targetsOfGoal(17)).toHaveLength(19);
    const total = sdgGoals.reduce((n, g) => n + targetsOfGoal(g.id).length, 0);
    expect(total).toBe(169);
  });

  it('lists the indicators of a target, with no Japanese text yet', () => {
    expect(indicatorsOfTarget('11.1').map((i) => i.id)).toEqual(['11.1.1']);
    expect(indicatorsOfTarget('7.2').map((i) => i.id)).toEqual(['7.2.1']);
    for (const i of sdgIndicators) {
      expect(findSdgTarget(i.target)).toBeDefined();
      expect(i.title.ja).toBeNull();
    }
  });

  it('notes indicators the UN repeats under several targets', () => {
    expect(sdgIndicators.find((i) => i.id === '1.5.1')?.sameTextAs).toEqual(['11.5.1', '13.1.1']);
  });

  it('finds the goal of a target', () => {
    expect(goalOfTarget('11.a')?.number).toBe(11);
    expect(goalOfTarget('17.17')?.short.en).toBe('Partnerships for the goals');
  });

  it('keeps the source note of the data, licences included', () => {
    expect(sdgFrameworkSource).toEqual(data.source);
    expect(sdgFrameworkSource.en.repo).toBe('https://github.com/open-sdg/sdg-translations');
    expect(sdgFrameworkSource.colours.licence).toContain('MIT');
  });
});

describe('validateSdgTargetIds', () => {
  it('accepts real target ids', () => {
    expect(validateSdgTargetIds(['2.3', '11.a', '17.17'])).toEqual({ ok: true, value: ['2.3', '11.a', '17.17'] });
    expect(validateSdgTargetIds([])).toEqual({ ok: true, value: [] });
  });

  it('rejects unknown ids, naming them and the input', () => {
    const r = validateSdgTargetIds(['2.3', '2.9'], '【2.3,2.9】');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('unknown-sdg-target');
    expect(r.error.input).toBe('【2.3,2.9】');
    expect(r.error.message).toContain('"2.9"');
    expect(r.error.message).toContain('"【2.3,2.9】"');
  });

  it('expects canonical ids: a capital letter is not one', () => {
    const r = validateSdgTargetIds(['11.A']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe('unknown SDG target "11.A" in "11.A": 11.A: goal 11 has targets 11.1, 11.2, 11.3, 11.4, 11.5, 11.6, 11.7, 11.a, 11.b, 11.c');
  });
});

describe('colours for text on goal tiles', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#FFFFFF', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#000', '#000')).toBe(1);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2);
  });

  it('keeps white when it passes AA, as on the UN icons', () => {
    expect(textColourOn('#E5243B')).toBe('#FFFFFF'); // goal 1: white 4.52 (black 4.65)
    expect(textColourOn('#19486A')).toBe('#FFFFFF'); // goal 17
    expect(textColourOn('#A21942')).toBe('#FFFFFF'); // goal 8
  });

  it('uses black when white fails AA', () => {
    expect(textColourOn('#FCC30B')).toBe('#000000'); // goal 7: white 1.62
    expect(textColourOn('#DDA63A')).toBe('#000000'); // goal 2
    expect(textColourOn('#26BDE2')).toBe('#000000'); // goal 6
  });

  it('meets AA on every goal colour', () => {
    for (const g of sdgGoals) expect(contrastRatio(g.colour, textColourOn(g.colour))).toBeGreaterThanOrEqual(WCAG_AA);
  });

  it('always finds a colour that passes: black or white reaches at least 4.58 : 1 on any background', () => {
    expect(textColourOn('#777777')).toBe('#000000'); // white 4.48 fails, black 4.69 passes
    expect(textColourOn('#fff')).toBe('#000000');
    expect(textColourOn('#000')).toBe('#FFFFFF');
    for (let v = 0; v < 256; v += 1) {
      const grey = `#${v.toString(16).padStart(2, '0').repeat(3)}`;
      expect(contrastRatio(grey, textColourOn(grey))).toBeGreaterThanOrEqual(WCAG_AA);
    }
  });

  it('throws for a malformed colour: that is a bug, not input', () => {
    expect(() => textColourOn('red')).toThrow(RangeError);
  });
});
