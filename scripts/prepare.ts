/** Run by `npm ci` / `npm install` (prepare): caches an empty PGlite cluster so fresh databases start fast. */
import { buildPgliteTemplate } from '../src/storage/pglite-template.ts';

await buildPgliteTemplate();
