import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { openApiDocument } from '../../src/web/routes/openapi.ts';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';

/*
 * Issue 15.3: the OpenAPI document and the API's answers cannot drift apart. Every documented
 * path is requested with its examples and its real answer validated (Ajv, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses it) against the documented schema made strict: an object may hold only the
 * properties the document names (so a new or renamed field fails), and every field the document
 * requires must be there. The document itself must describe each answer (no empty schemas) in
 * snake_case.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  // Two fixture cities sharing KPI definitions with the seeds, so a comparison holds same-definition groups (issue 15.6).
  await importCompareFixtures(ctx.db, ctx.store);
  app = createApp({ db: ctx.db, store: ctx.store });
}, 120_000);
afterAll(() => ctx.close());

type Schema = Record<string, unknown>;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Names of the component schemas used as a part of an allOf: strictness goes on the whole, not on the part. */
function partsOfAllOf(schemas: Record<string, Schema>): Set<string> {
  const parts = new Set<string>();
  const walk = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Schema;
    if (Array.isArray(o.allOf)) for (const p of o.allOf as Schema[]) if (typeof p.$ref === 'string') parts.add(p.$ref.split('/').pop()!);
    for (const v of Object.values(o)) walk(v);
  };
  walk(schemas);
  return parts;
}

/** The schema with `unevaluatedProperties: false` on every object that lists its properties and does not say otherwise. */
function strict(s: unknown, isPart = false): unknown {
  if (Array.isArray(s)) return s.map((x) => strict(x));
  if (!s || typeof s !== 'object') return s;
  const o: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) o[k] = k === 'allOf' ? (v as unknown[]).map((x) => strict(x, true)) : strict(v);
  if (!isPart && (o.properties || o.allOf) && o.additionalProperties === undefined && o.unevaluatedProperties === undefined) o.unevaluatedProperties = false;
  return o;
}

function strictDocument() {
  const doc = clone(openApiDocument) as unknown as { components: { schemas: Record<string, Schema> } };
  const parts = partsOfAllOf(doc.components.schemas);
  for (const [name, schema] of Object.entries(doc.components.schemas)) doc.components.schemas[name] = strict(schema, parts.has(name)) as Schema;
  return doc;
}

/** Every property name the document declares (objects' `properties`), with where. */
function declaredNames(s: unknown, at = '#'): [string, string][] {
  if (!s || typeof s !== 'object') return [];
  const o = s as Schema;
  const own = o.properties && typeof o.properties === 'object' ? Object.keys(o.properties).map((k): [string, string] => [k, at]) : [];
  return [...own, ...Object.entries(o).flatMap(([k, v]) => declaredNames(v, `${at}/${k}`))];
}

describe('the OpenAPI document and the answers', () => {
  it('describes every answer with properties and required fields, all snake_case', () => {
    const schemas = openApiDocument.components.schemas as unknown as Record<string, Schema>;
    for (const [name, schema] of Object.entries(schemas)) {
      // An object lists its properties; a map (status counts) says what its values are.
      const described = schema.properties !== undefined || schema.allOf !== undefined || typeof schema.additionalProperties === 'object';
      expect(described, `${name} has no properties`).toBe(true);
    }
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      const ref = (item.get.responses[200].content['application/json'].schema as { $ref?: string }).$ref;
      if (path === '/openapi.json') continue;
      expect(ref, path).toBeDefined();
      const schema = schemas[ref!.split('/').pop()!]!;
      expect((schema.required as string[] | undefined)?.length ?? (schema.allOf ? 1 : 0), `${path}: ${ref} requires nothing`).toBeGreaterThan(0);
    }
    const bad = declaredNames(openApiDocument).filter(([k]) => !/^[a-z][a-z0-9_]*$/.test(k));
    expect(bad).toEqual([]);
  });

  it('every answer of every documented path validates against its documented schema (strict)', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const doc = strictDocument();
    ajv.addSchema(doc, 'openapi');
    let validated = 0;
    const drift: string[] = [];
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      if (path === '/openapi.json') continue;
      const get = item.get as { parameters?: readonly { name: string; in: string; example?: unknown; required?: boolean }[]; responses: { 200: { content: { 'application/json': { schema: { $ref: string } } } } } };
      let url = path;
      const query = new URLSearchParams();
      for (const p of get.parameters ?? []) {
        if (p.in === 'path') url = url.replace(`{${p.name}}`, String(p.example));
        else if (p.required) for (const v of [p.example].flat()) query.append(p.name, String(v));
      }
      const full = `/api/v1${url}${query.size ? `?${query}` : ''}`;
      const res = await app.request(full);
      expect(res.status, full).toBe(200);
      const body = await res.json();
      const ref = get.responses[200].content['application/json'].schema.$ref;
      const validate = ajv.getSchema(`openapi${ref}`)!;
      if (!validate(body)) drift.push(...validate.errors!.map((e) => `${full} ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
      validated++;
    }
    expect([...new Set(drift)]).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(12);
  });

  it('documents the same-KPI-definition groups of a comparison: by name and unit, and by indicator code', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema(strictDocument(), 'openapi');
    const validate = ajv.getSchema('openapi#/components/schemas/Comparison')!;
    const groups: string[] = [];
    for (const path of ['/api/v1/compare?cities=ichinoseki&cities=hikaku-town', '/api/v1/compare?cities=hikaku-town&cities=hikaku-city']) {
      const body = (await (await app.request(path)).json()) as { same_kpis: { key: string }[] };
      expect(validate(body), `${path} ${JSON.stringify(validate.errors)}`).toBe(true);
      groups.push(...body.same_kpis.map((g) => g.key));
    }
    expect(groups).toEqual(['name:新規就農者数※累計|人', 'indicator:12.5.1']);
    // A group's KPI losing its index is drift the document catches.
    const body = (await (await app.request('/api/v1/compare?cities=ichinoseki&cities=hikaku-town')).json()) as { same_kpis: { kpis: Record<string, unknown>[] }[] };
    delete body.same_kpis[0]!.kpis[0]!.latest_index;
    expect(validate(body)).toBe(false);
  });

  it('fails when the document loses a field the answers hold (the test is not vacuous)', async () => {
    const doc = strictDocument() as unknown as { components: { schemas: Record<string, Schema & { properties: Record<string, unknown> }> } };
    delete doc.components.schemas.CityHead!.properties.name_en;
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi');
    const body = await (await app.request('/api/v1/cities/ichinoseki')).json();
    expect(ajv.getSchema('openapi#/components/schemas/City')!(body)).toBe(false);
  });
});
