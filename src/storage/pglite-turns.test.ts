import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './database.ts';

/*
 * PGlite runs statements in the server's own thread and its promises settle without I/O: without
 * a turn of the event loop before each statement, a transaction of many statements (an import's
 * commit) kept every other request waiting until its end. Counted in turns, not timed.
 */
let opened: OpenedDatabase;
beforeAll(async () => {
  opened = await openDatabase({ inMemory: true });
}, 120_000);
afterAll(() => opened.close());

it('lets a timer due meanwhile run between the statements of one transaction', async () => {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const before = ticks;
  await opened.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 50; i++) await sql`select ${i}::int as n`.execute(trx);
  });
  running = false;
  expect(ticks - before).toBeGreaterThanOrEqual(40);
});
