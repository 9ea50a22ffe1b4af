/**
 * The boundaries of the layout (docs/ARCHITECTURE.md, issue 11.6), checked in `npm test`
 * (`npm run lint:boundaries`). A rule here is a sentence of the architecture; a violation is
 * fixed in the code (a command, a service, a view model), not whitelisted.
 *
 * TypeScript is read through Babel (scripts/boundaries/babel.config.cjs explains why), which
 * turns type-only imports into the exotic require `__typeOnly`: `exoticallyRequired: false`
 * on a rule means "value imports only".
 */
'use strict';

const path = require('node:path');

/** Files that may hold SQL (shared with the query scan, scripts/boundaries/sql-scan.ts). */
const { SQL_HOLDERS } = require('./scripts/boundaries/sql-holders.cjs');

/** Views: the shared view folder and any `*.view.tsx` beside its concept. */
const VIEWS = ['^src/web/views/', '[.]view[.]tsx$'];

/**
 * Persistence: the storage layer, repositories, table (row type) modules, and the parts of the
 * whole-city load and save that handle rows (`*.save.ts`, `*.mapping.ts`, cities/city-snapshot.ts).
 */
const PERSISTENCE = ['^src/storage/', '[.]repository[.]ts$', '[.]table[.]ts$', '[.]save[.]ts$', '[.]mapping[.]ts$', '^src/cities/city-snapshot[.]ts$'];

/** Node built-ins that do I/O or read the process: the core must stay pure. */
const IO_BUILTINS =
  '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|worker_threads|cluster|dgram|dns|tls|os|process|readline|stream|zlib|crypto)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing',
      comment:
        'src/core is the pure domain: it imports nothing of the rest of src (docs/ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'core-does-no-io',
      comment: 'src/core does no I/O: no file, network, process or crypto modules.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'routes-never-import-persistence',
      comment:
        'Routes call services and commands; they never import a repository, a table (row) module or the storage layer, not even a type.',
      severity: 'error',
      from: { path: ['^src/web/routes/', '[.]routes[.]tsx?$'], pathNot: '[.]test[.]tsx?$' },
      to: { path: PERSISTENCE },
    },
    {
      name: 'only-repositories-hold-sql',
      comment:
        "Only repositories and the storage infrastructure build queries: nothing else imports a value of 'kysely' (sql, expression builders); type-only imports (Kysely, Transaction) are fine. Query-builder calls on an executor (db.selectFrom…) are found by scripts/boundaries/sql-scan.ts.",
      severity: 'error',
      from: { pathNot: SQL_HOLDERS },
      to: { path: '(^|/)node_modules/kysely/', exoticallyRequired: false },
    },
    {
      name: 'views-receive-view-models',
      comment:
        'Views receive view models, never database rows: no import (not even of a type) of storage, repositories or table modules.',
      severity: 'error',
      from: { path: VIEWS, pathNot: '[.]test[.]tsx?$' },
      to: { path: PERSISTENCE },
    },
    {
      name: 'no-circular',
      comment:
        'Modules form no cycle of value imports (a cycle hides which side owns the concept, and breaks module start-up order). Type-only imports load nothing at run time and may close a loop.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['exotic-require'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exoticRequireStrings: ['__typeOnly'],
    // Absolute, so the rules' own test (test/boundaries) can cruise a fixture tree from its folder.
    babelConfig: { fileName: path.join(__dirname, 'scripts/boundaries/babel.config.cjs') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};
