/**
 * Babel configuration dependency-cruiser uses to read TypeScript (see .dependency-cruiser.cjs).
 *
 * Why Babel: the project compiles with TypeScript 7 (native, no JavaScript API), and
 * dependency-cruiser 17 (the last line supporting Node 20) reads TypeScript only through the
 * TypeScript 2–6 API, swc (which cannot parse .tsx through dependency-cruiser) or Babel 7.
 *
 * Type-only imports (`import type …`, `export type … from`, `import { type A }` with only type
 * specifiers) would vanish when Babel strips types, and a view that takes a database row type
 * would slip through the lint. So before the TypeScript preset runs, the plugin below rewrites
 * each of them to a call `__typeOnly('module')`, which dependency-cruiser records as an exotic
 * require named `__typeOnly`: rules can then tell a type-only import (allowed where only values
 * are forbidden, e.g. `import type { Kysely }`) from a value import (e.g. kysely's `sql`).
 */
'use strict';

/** @param {{ types: import('@babel/types') }} babel */
function typeOnlyImportsAsMarkers({ types: t }) {
  const isTypeOnly = (node) => {
    if (node.importKind === 'type' || node.exportKind === 'type') return true;
    const specifiers = node.specifiers ?? [];
    return (
      specifiers.length > 0 &&
      specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type')
    );
  };
  const marker = (source) =>
    t.expressionStatement(t.callExpression(t.identifier('__typeOnly'), [t.stringLiteral(source)]));
  return {
    name: 'type-only-imports-as-markers',
    visitor: {
      Program: {
        enter(program) {
          for (const statement of program.get('body')) {
            const node = statement.node;
            const typeImport = t.isImportDeclaration(node) && isTypeOnly(node);
            const typeReExport =
              (t.isExportNamedDeclaration(node) || t.isExportAllDeclaration(node)) &&
              node.source != null &&
              isTypeOnly(node);
            if (typeImport || typeReExport) statement.replaceWith(marker(node.source.value));
          }
        },
      },
    },
  };
}

module.exports = {
  babelrc: false,
  configFile: false,
  plugins: [typeOnlyImportsAsMarkers],
  // The preset picks .ts or .tsx syntax from the file name; JSX is compiled (hono/jsx runtime)
  // only in .tsx files, so `<T>` casts in .ts files still parse.
  presets: [['@babel/preset-typescript', { onlyRemoveTypeImports: true }]],
  overrides: [
    {
      test: /\.tsx$/,
      plugins: [['@babel/plugin-transform-react-jsx', { runtime: 'automatic', importSource: 'hono/jsx' }]],
    },
  ],
};
