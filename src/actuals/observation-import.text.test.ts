import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../core/text.ts';
import { readPlanData } from '../formats/plan-data/plan-data.reader.ts';
import { listChangeLog } from '../storage/change-log.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { loadCityData, saveCityData } from '../cities/city-data.service.ts';
import { commitObservationImport } from './observation-import.service.ts';

/*
 * Issue 9, point 4: a NUL byte in an imported cell made the commit fail inside the database
 * (PostgreSQL refuses it in text) with an HTTP 500. Notes and sources now follow the text rules
 * of core/text.ts: a control character or an over-long cell is a problem at its row and column,
 * and nothing is written, on both databases.
 */

const HEADER = '指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典';

function csvFile(rows: string[]): { path: string; name: string; cityId: string } {
  const dir = mkdtempSync(join(tmpdir(), 'michishirube-import-'));
  const path = join(dir, 'actuals.csv');
  writeFileSync(path, `${HEADER}\r\n${rows.join('\r\n')}\r\n`);
  return { path, name: 'actuals.csv', cityId: 'ichinoseki' };
}

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`imported notes on ${database.name}`, () => {
    const db = useTestDatabase(database);

    it('refuses a NUL byte, another control character and an over-long note or source at commit, writing nothing', async () => {
      const seed = readPlanData(JSON.parse(readFileSync(new URL('../../data/seeds/ichinoseki.json', import.meta.url), 'utf8')));
      if (!seed.ok) throw new Error('seed unreadable');
      await saveCityData(db(), seed.value, 'test');
      const before = (await listChangeLog(db(), {})).length;
      const cases = [
        ['new-farmers,,,2018年,5,人,before\u0000after,', 'control-character', 'G'],
        ['new-farmers,,,2018年,5,人,ok,bell\u0007', 'control-character', 'H'],
        [`new-farmers,,,2018年,5,人,${'x'.repeat(TEXT_LIMITS.note + 1)},`, 'text-too-long', 'G'],
        [`new-farmers,,,2018年,5,人,,${'y'.repeat(TEXT_LIMITS.source + 1)}`, 'text-too-long', 'H'],
      ] as const;
      for (const [row, kind, column] of cases) {
        const r = await commitObservationImport(db(), csvFile([row]), { actor: 'test', reason: 'test' });
        expect(r.ok, kind).toBe(false);
        if (r.ok || r.error.kind !== 'rows') throw new Error(`expected problems for ${kind}`);
        expect(r.error.preview.problems.map((p) => [p.kind, p.row, p.column])).toEqual([[kind, 2, column]]);
        expect(r.error.preview.problems[0]!.raw.length).toBeLessThanOrEqual(201);
      }
      // A note at the limit is fine.
      const ok = await commitObservationImport(db(), csvFile([`new-farmers,,,2018年,5,人,${'z'.repeat(TEXT_LIMITS.note)},出典`]), { actor: 'test', reason: 'test' });
      expect(ok.ok).toBe(true);
      const kpi = (await loadCityData(db(), 'ichinoseki'))!.kpis.find((k) => k.id === 'new-farmers')!;
      expect(kpi.observations.filter((o) => o.at.kind === 'year' && o.at.year === 2018).map((o) => o.note?.length)).toEqual([TEXT_LIMITS.note]);
      expect((await listChangeLog(db(), {})).length).toBe(before + 1);
    });
  });
}
