import { describe, expect, it } from 'vitest';
import { readSeedCities } from '../formats/plan-data/plan-data.file.ts';
import { saveCityData } from '../cities/city-data.service.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { readPartnerSeeds } from './partner-seed.service.ts';
import { publishedFigureEnd, publishedFiguresOf, savePublishedFigures } from './published-figure.ts';

const kanazawa = (await readSeedCities()).find((c) => c.city.id === 'kanazawa')!;
const tsukubaFigures = (await readPartnerSeeds()).find((s) => s.programme.id.startsWith('tsukuba'))!.publishedFigures;

describe('published figure dates', () => {
  it('end at the last day they stand for', () => {
    expect(publishedFigureEnd({ asOf: '2024-08' })).toBe('2024-08-31');
    expect(publishedFigureEnd({ asOf: '2024-02' })).toBe('2024-02-29');
    expect(publishedFigureEnd({ asOf: '2023' })).toBe('2023-12-31');
    expect(publishedFigureEnd({ asOf: '2023-03-31' })).toBe('2023-03-31');
  });
});

describe.each(testDatabases())('published figures on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('stores and reads a city’s published figures in order, replacing the set', async () => {
    await saveCityData(db(), kanazawa, 'seed');
    await savePublishedFigures(db(), 'kanazawa', tsukubaFigures);
    const read = await publishedFiguresOf(db(), 'kanazawa');
    expect(read.map((f) => [f.id, f.value, f.unit, f.asOf])).toEqual([
      ['individual-members', 491, '人', '2024-09'],
      ['group-members', 183, '団体', '2024-09'],
      ['courses', 4, '回', '2024-09'],
      ['award-applications', 44, '件', '2024-09'],
      ['award-winners', 6, '件', '2024-09'],
    ]);
    expect(read[0]!.passage).toContain('個人会員491');
    await savePublishedFigures(db(), 'kanazawa', tsukubaFigures.slice(0, 1));
    expect(await publishedFiguresOf(db(), 'kanazawa')).toHaveLength(1);
  });

  it('the database refuses a negative figure or a malformed date', async () => {
    await expect(savePublishedFigures(db(), 'kanazawa', [{ ...tsukubaFigures[0]!, value: -1 }])).rejects.toThrow();
    await expect(savePublishedFigures(db(), 'kanazawa', [{ ...tsukubaFigures[0]!, asOf: '2024/09' }])).rejects.toThrow();
  });
});
