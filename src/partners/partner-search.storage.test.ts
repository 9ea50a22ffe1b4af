import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadSeedCitiesIfEmpty } from '../cities/plan-data-import.service.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { searchDirectory } from './partner-directory.service.ts';
import { loadPartnerSeedsIfEmpty } from './partner-seed.service.ts';
import { listProgrammes, reindexPartnerSearch } from './partner.service.ts';

/** Issue 15.5: the partner directory finds readings, words and kanji, on both databases. */
describe.each(testDatabases())('partner search with readings on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);
  const today = '2025-06-01';
  const names = async (cityId: string, q: string) => {
    const programme = (await listProgrammes(db())).find((p) => p.cityId === cityId)!;
    return (await searchDirectory(db(), programme, { q }, today)).partners.map((p) => p.profile.name);
  };

  it('finds a kanji declaration by its reading and 農業 by its kanji, and re-indexes older documents', async () => {
    await loadSeedCitiesIfEmpty(db());
    await loadPartnerSeedsIfEmpty(db());
    // 食材 appears only in a declaration, in kanji.
    expect(await names('kanazawa', 'しょくざい')).toEqual(['かなざわ子ども食堂ネットワーク（サンプル）']);
    expect(await names('kanazawa', 'ショクザイ')).toEqual(['かなざわ子ども食堂ネットワーク（サンプル）']);
    // 「農業」 is written nowhere; a partner seeking 農家 is a related hit.
    const farming = await names('tsukuba', '農業');
    expect(farming.length).toBeGreaterThan(0);
    expect(await names('tsukuba', 'ぴょんぴょこ')).toEqual([]);

    // A document indexed before the analyser (no readings) is found again once re-indexed.
    await sql`update partner_search set document = 'x', analysed = false`.execute(db());
    expect(await names('kanazawa', 'しょくざい')).toEqual([]);
    expect(await reindexPartnerSearch(db())).toBeGreaterThan(0);
    expect(await names('kanazawa', 'しょくざい')).toEqual(['かなざわ子ども食堂ネットワーク（サンプル）']);
    expect(await reindexPartnerSearch(db())).toBe(0);
  });
});
