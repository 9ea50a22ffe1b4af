import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StatementTemplates, templateMarker, usePreparedStatement } from './prepared-statements.ts';
import { testDatabases, useTestDatabase } from './test-databases.ts';

/*
 * A statement a repository names is sent as a prepared statement on PostgreSQL (parsed once per
 * connection, planned once PostgreSQL has seen it a few times); any other text is sent plain.
 * On PGlite nothing changes. Either way the answers are those of the plain statement.
 */
for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`prepared statements, on ${database.name}`, () => {
    const db = useTestDatabase(database);

    it('prepares a named statement on PostgreSQL only, and answers as the plain one', async () => {
      const named = 'select $1::int + 1 as n, current_setting($2) as setting';
      const plain = 'select $1::int + 2 as n';
      usePreparedStatement(named);
      await db()
        .connection()
        .execute(async (conn) => {
          for (const i of [1, 2, 3, 4, 5, 6, 7]) {
            expect((await conn.executeQuery(CompiledQuery.raw(named, [i, 'server_encoding']))).rows).toEqual([{ n: i + 1, setting: 'UTF8' }]);
            expect((await conn.executeQuery(CompiledQuery.raw(plain, [i]))).rows).toEqual([{ n: i + 2 }]);
          }
          const prepared = (await conn.executeQuery<{ statement: string }>(CompiledQuery.raw('select statement from pg_prepared_statements', []))).rows.map((r) => r.statement);
          expect(prepared).toEqual(database.name === 'postgres' ? [named] : []);
        });
    });

    it('compiles a template once per shape and runs it with each call\'s values: a marker parameter takes its value whatever its type, a marker inside a text is replaced there', async () => {
      const templates = new StatementTemplates<{ n: number; key: string; ids: string[] }>(64 * 1024);
      let builds = 0;
      const build = () => {
        builds++;
        return CompiledQuery.raw('select $1::int + 1 as n, $2::text as key, array[$3, $4]::text[] as ids', [templateMarker('n'), `${templateMarker('slug')}@`, templateMarker('a0'), templateMarker('a1')]) as CompiledQuery<{ n: number; key: string; ids: string[] }>;
      };
      for (const [n, slug, ids] of [[1, 'kpi-1', ['x', 'y']], [41, 'new-farmers', ['ichinoseki', 'tsukuba']]] as const) {
        const query = templates.get(db(), 'two ids', build, { n, slug, a0: ids[0], a1: ids[1] });
        expect((await db().executeQuery(query)).rows).toEqual([{ n: n + 1, key: `${slug}@`, ids }]);
      }
      expect(builds).toBe(1);
      expect(() => templates.get(db(), 'two ids', build, { n: 1, slug: 's' })).toThrow(/no value for the statement marker "a0"/);
    });
  });
}
