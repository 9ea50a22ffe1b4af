/**
 * The second half of the rule "only repositories hold SQL" (issue 11.6): dependency-cruiser sees
 * imports, not calls, and a query needs no import of `kysely` when it is built on an executor
 * passed in (`db.selectFrom('kpis')…`). This scan reads every module of `src/` outside the SQL
 * holders (scripts/boundaries/sql-holders.cjs) and names each query-builder call or `sql`
 * template it finds, with file and line; `npm run lint:boundaries` fails on any.
 *
 * Usage: node bin/run-ts.mjs scripts/boundaries/sql-scan.ts [root]   (root: the repository, default cwd)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

const { SQL_HOLDERS } = createRequire(import.meta.url)('./sql-holders.cjs') as { SQL_HOLDERS: string[] };

/** Query-builder entry points of Kysely and its `sql` tag (a template, a typed template, or a helper). */
const SQL_CALL = /\.(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|executeQuery)\s*\(|\bsql\s*(<[^>`]*>)?\s*`|\bsql\.(raw|ref|lit|id|join|table|val)\s*\(/;

/** One query found outside the SQL holders. */
export interface SqlOutsideRepository {
  /** Path from the root, with `/`. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

/** Every query-builder call or `sql` template in `root/src` outside the SQL holders. */
export function findSqlOutsideRepositories(root: string): SqlOutsideRepository[] {
  const holders = SQL_HOLDERS.map((p) => new RegExp(p));
  const found: SqlOutsideRepository[] = [];
  for (const path of modules(join(root, 'src'))) {
    const file = relative(root, path).split(sep).join('/');
    if (holders.some((h) => h.test(file))) continue;
    const lines = withoutComments(readFileSync(path, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      if (SQL_CALL.test(text)) found.push({ file, line: i + 1, text: text.trim() });
    });
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

function* modules(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* modules(path);
    else if (/\.(ts|tsx|mts)$/.test(entry.name)) yield path;
  }
}

/** The source with block and line comments blanked (line numbers kept), so prose about SQL is not a query. */
function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findSqlOutsideRepositories(process.argv[2] ?? process.cwd());
  for (const f of found) console.error(`only-repositories-hold-sql: ${f.file}:${f.line}: ${f.text}`);
  if (found.length > 0) {
    console.error(`\n✘ ${found.length} quer${found.length === 1 ? 'y' : 'ies'} outside a repository: move the SQL into the concept's *.repository.ts`);
    process.exit(1);
  }
  console.log('✔ no query outside a repository');
}
