/**
 * The files that may hold SQL (docs/ARCHITECTURE.md, issue 11.6): repositories, the storage
 * infrastructure (executor, migrations, shared history tables, test databases) and tests, which
 * prepare and inspect databases directly. Shared by the dependency rule on `kysely` value imports
 * (.dependency-cruiser.cjs) and the scan for query-builder calls (scripts/boundaries/sql-scan.ts).
 */
'use strict';

module.exports = {
  SQL_HOLDERS: ['[.]repository[.]ts$', '^src/storage/', '[.]test[.]tsx?$', '^src/[^/]+/test-support/'],
};
