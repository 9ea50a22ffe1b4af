#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the CLI works straight after `npm ci`.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's own tsconfig (its JSX settings), not one found from the caller's directory:
// run from any folder, the CLI compiles its views as `npm start` does.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
