/**
 * The OpenAPI 3.1 description of the public JSON API, served at /api/v1/openapi.json. Written
 * by hand beside the routes (public-api.routes.ts, api.routes.ts); a test requests every path
 * with its parameters' examples and expects 200, so a path cannot be documented and missing.
 */

import { KPI_STATUSES } from '../../core/kpi/status.ts';
import { ACHIEVEMENT_METHODS, KPI_UPDATE_FREQUENCIES } from '../../core/kpi/kpi.ts';

const cityParam = { name: 'city', in: 'path', required: true, description: 'City id (ASCII slug)', schema: { type: 'string', pattern: '^[a-z0-9-]+$' }, example: 'ichinoseki' } as const;
const problem = { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } as const;
const ok = (description: string, ref: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const nullable = (type: string) => ({ type: [type, 'null'] });
const timePoint = { type: 'string', description: 'Time point: "2020" (year), "FY2021" (fiscal year, April–March), "2024-03" (month), "2024-03-31" (day), "2020/2024" (period)' };
// The statuses of the core, so a new one cannot be left out of the document (a drift test checks the answers too).
const statusEnum = { type: 'string', enum: [...KPI_STATUSES] };
const precise = { $ref: '#/components/schemas/Precise' };
const dated = { type: 'object', properties: { at: timePoint, value: { type: 'number' }, precise } } as const;
const record = { $ref: '#/components/schemas/CalculationRecord' };
const bilingual = { type: 'object', properties: { ja: { type: 'string' }, en: { type: 'string' } } } as const;
/** A map of figures by name (a calculation's inputs): names in snake_case. */
const snakeMap = { type: 'object', propertyNames: { pattern: '^[a-z][a-z0-9_]*$' } } as const;
const unpublishedYears = { type: 'array', items: { type: 'integer' }, description: 'Years whose figures are not published yet (left out)' } as const;
const paging = { page: { type: 'integer' }, page_size: { type: 'integer' }, total: { type: 'integer' }, page_count: { type: 'integer' } } as const;
/** The query parameters of every paged list (national-json.ts pagingOf): a value out of range falls back to the default. */
const pagingParams = [
  { name: 'page', in: 'query', required: false, description: '1-based page; past the last page the list is empty', schema: { type: 'integer', minimum: 1, default: 1 }, example: 1 },
  { name: 'page_size', in: 'query', required: false, description: 'Items per page', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, example: 50 },
] as const;
/**
 * The fields every KPI answer shares, whether evaluated from the city's data (KpiFields) or read
 * from the cross-city summaries (KpiSummary): one definition, so the two cannot drift apart.
 */
const kpiCommon = {
  city: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  name_en: nullable('string'),
  unit: { type: 'string' },
  sdg_targets: { type: 'array', items: { type: 'string' }, examples: [['2.3', '11.a']] },
  rate: { ...nullable('number'), description: "Achievement rate (達成度, %) by the KPI's method, unrounded" },
  display_rate: nullable('number'),
  status: statusEnum,
  status_override: {
    type: ['object', 'null'],
    description: 'A status the city secretariat set instead of the computed `status`, with its required justification; null when none',
    properties: { status: { type: 'string', enum: ['achieved', 'on-track', 'behind', 'worsening'] }, justification: { type: 'string' }, decided_on: { type: 'string', format: 'date' } },
  },
  url: { type: 'string' },
} as const;
const comparisonColumns = { type: 'array', items: { type: 'object', properties: { city: { type: 'string' }, kpis: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } } } } } as const;

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'michishirube public API',
    version: '1.0.0',
    description:
      "Read-only open data of the cities' plans, SDGs work and KPIs: baselines, actuals, targets (with revisions), achievement rates computed as the cities publish them, statuses with how they were reached, forecasts and the reconciliation of published rates. 道しるべの公開API（読み取り専用）。",
    license: { name: 'Data: as published by each city; code: MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/api/v1' }],
  paths: {
    '/cities': { get: { summary: 'The cities, one page at a time', operationId: 'listCities', parameters: [...pagingParams], responses: { 200: ok('The cities', 'CityList') } } },
    '/cities/{city}': {
      get: { summary: 'A city: plans, KPI status counts, covered SDG goals', operationId: 'getCity', parameters: [cityParam], responses: { 200: ok('The city', 'City'), 404: problem } },
    },
    '/cities/{city}/kpis': {
      get: {
        summary: "A city's KPIs against their current targets, one page at a time (50 by default, at most 200; `total` and `page_count` say how many)",
        operationId: 'listCityKpis',
        parameters: [cityParam, ...pagingParams],
        responses: { 200: ok('One page of KPIs', 'KpiPage'), 404: problem },
      },
    },
    '/cities/{city}/kpis/{kpi}': {
      get: {
        summary: 'One KPI: series, targets and revisions, calculation records, commentary, published rates and their reconciliation',
        operationId: 'getKpi',
        parameters: [cityParam, { name: 'kpi', in: 'path', required: true, schema: { type: 'string' }, example: 'new-farmers' }],
        responses: { 200: ok('The KPI', 'KpiDetail'), 404: problem },
      },
    },
    '/cities/{city}/observations': {
      get: { summary: "Every actual of a city's KPIs", operationId: 'listObservations', parameters: [cityParam], responses: { 200: ok('Observations', 'ObservationList'), 404: problem } },
    },
    '/cities/{city}/published-rates': {
      get: {
        summary: 'Published achievement rates, recomputed and reconciled (reproduced / explained / unexplained)',
        operationId: 'listPublishedRates',
        parameters: [cityParam],
        responses: { 200: ok('Published rates', 'PublishedRateList'), 404: problem },
      },
    },
    '/cities/{city}/plans/{plan}': {
      get: {
        summary: "A plan's KPI rows, evaluated",
        operationId: 'getPlan',
        parameters: [cityParam, { name: 'plan', in: 'path', required: true, schema: { type: 'string' }, example: 'ichinoseki-sdgs-future-city-1' }],
        responses: { 200: ok('The plan', 'Plan'), 404: problem },
      },
    },
    '/kpis': {
      get: {
        summary: "A city's KPIs (query form)",
        operationId: 'listKpisByQuery',
        parameters: [{ name: 'city', in: 'query', required: true, schema: { type: 'string' }, example: 'tsukuba' }],
        responses: { 200: ok('KPIs', 'KpiList'), 400: problem, 404: problem },
      },
    },
    '/sdgs': { get: { summary: 'The 17 SDG goals with the KPIs addressing them', operationId: 'listGoals', responses: { 200: ok('Goals', 'GoalList') } } },
    '/sdgs/{goal}': {
      get: {
        summary: "A goal's targets, each with every city's KPIs tagged with it",
        operationId: 'getGoal',
        parameters: [{ name: 'goal', in: 'path', required: true, schema: { type: 'string', pattern: '^([1-9]|1[0-7])$' }, example: '7' }, ...pagingParams],
        responses: { 200: ok('The goal', 'Goal'), 404: problem },
      },
    },
    '/compare': {
      get: {
        summary: 'KPIs of two or more cities on the SDG targets and goals they share',
        operationId: 'compareCities',
        parameters: [
          { name: 'cities', in: 'query', required: true, style: 'form', explode: true, schema: { type: 'array', items: { type: 'string' }, minItems: 2 }, example: ['ichinoseki', 'tsukuba'] },
        ],
        responses: { 200: ok('The comparison', 'Comparison'), 400: problem },
      },
    },
    '/search': {
      get: {
        summary: 'Search plans, KPIs and plan nodes (Japanese: kanji and kana, full- and half-width folded)',
        operationId: 'search',
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 }, example: '就農' },
          { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['ja', 'en'], default: 'ja' } },
        ],
        responses: { 200: ok('Hits grouped by kind', 'SearchResults'), 400: problem },
      },
    },
    '/openapi.json': { get: { summary: 'This description', operationId: 'openapi', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: { type: { type: 'string', examples: ['urn:michishirube:problem:unknown-city'] }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
      CityHead: {
        type: 'object',
        required: ['id', 'name', 'name_en', 'prefecture', 'prefecture_en', 'local_government_code', 'licence'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          name_en: { type: 'string' },
          prefecture: { type: 'string' },
          prefecture_en: { type: 'string' },
          sdgs_future_city_since: nullable('integer'),
          population: nullable('integer'),
          local_government_code: { type: ['string', 'null'], pattern: '^[0-9]{6}$', description: '全国地方公共団体コード (six digits with check digit)' },
          licence: { type: 'object', required: ['id', 'url'], properties: { id: { type: 'string', enum: ['CC-BY-4.0', 'PDL-1.0'] }, url: { type: 'string' } }, description: "The licence of the city's open data" },
        },
      },
      StatusCounts: { type: 'object', propertyNames: { enum: [...KPI_STATUSES] }, additionalProperties: { type: 'integer' } },
      CityList: {
        type: 'object',
        required: ['page', 'page_size', 'total', 'page_count', 'cities'],
        properties: {
          ...paging,
          cities: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'name_en', 'kpi_count', 'status_counts', 'url'],
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                name_en: { type: 'string' },
                prefecture: { type: 'string' },
                prefecture_en: { type: 'string' },
                sdgs_future_city_since: nullable('integer'),
                population: nullable('integer'),
                plan_count: { type: 'integer' },
                kpi_count: { type: 'integer' },
                status_counts: { $ref: '#/components/schemas/StatusCounts' },
                url: { type: 'string' },
              },
            },
          },
        },
      },
      City: {
        type: 'object',
        required: ['city', 'plans', 'kpi_count', 'status_counts', 'covered_goals'],
        properties: {
          city: { $ref: '#/components/schemas/CityHead' },
          plans: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, title_en: nullable('string'), period: { type: 'array', items: { type: 'integer' } }, url: { type: 'string' } } },
          },
          kpi_count: { type: 'integer' },
          status_counts: { $ref: '#/components/schemas/StatusCounts' },
          covered_goals: { type: 'array', items: { type: 'string' } },
          kpis_url: { type: 'string' },
          download_url: { type: 'string', description: 'Zip of every table as CSV (UTF-8 with BOM) and JSON, with datapackage.json, csv-metadata.json and SDMX-CSV' },
          unpublished_years: unpublishedYears,
        },
      },
      Precise: {
        type: ['object', 'null'],
        description: 'The unrounded value behind a printed figure, with its source and basis; null when there is none',
        properties: { value: { type: 'number' }, source: { type: 'string' }, basis: { type: 'string' } },
      },
      KpiFields: {
        type: 'object',
        required: ['id', 'name', 'unit', 'sdg_targets', 'baseline', 'status'],
        properties: {
          ...kpiCommon,
          side: { type: 'string', enum: ['economy', 'society', 'environment', 'none'] },
          baseline: dated,
          latest_actual: { ...dated, type: ['object', 'null'] },
          target: { type: ['object', 'null'], properties: { id: { type: 'string' }, at: timePoint, value: { type: 'number' }, precise: precise } },
          status_explanation: { type: ['object', 'null'], properties: { ja: { type: 'string' }, en: { type: 'string' } } },
          forecast: { type: ['object', 'null'], properties: { verdict: { type: 'string', enum: ['reaches', 'misses', 'missed', 'no-data'] }, projected_value: nullable('number'), margin: nullable('number') } },
          un_progress_chart: { type: ['object', 'null'], properties: { category: { type: 'string' }, ratio: nullable('number'), projected_value: nullable('number') } },
          open_sdg_progress: { type: ['object', 'null'], properties: { status: { type: 'string' }, ratio: nullable('number') } },
        },
      },
      Kpi: { allOf: [{ $ref: '#/components/schemas/KpiFields' }] },
      KpiList: { type: 'object', required: ['city', 'kpis'], properties: { city: { type: 'string' }, unpublished_years: unpublishedYears, kpis: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } } } },
      KpiPage: {
        type: 'object',
        required: ['city', 'unpublished_years', 'page', 'page_size', 'total', 'page_count', 'kpis'],
        properties: { city: { type: 'string' }, unpublished_years: unpublishedYears, ...paging, kpis: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } } },
      },
      KpiSummary: {
        type: 'object',
        description: 'A KPI as the cross-city pages list it (from the summaries kept per city): the fields of every KPI, figures without their precise values, the forecast as its verdict',
        required: ['city', 'id', 'name', 'status'],
        properties: {
          ...kpiCommon,
          latest_actual: { type: ['object', 'null'], properties: { at: timePoint, value: { type: 'number' } } },
          target: { type: ['object', 'null'], properties: { at: timePoint, value: { type: 'number' } } },
          forecast: nullable('string'),
        },
      },
      CalculationRecord: {
        type: 'object',
        required: ['method', 'inputs', 'intermediate', 'thresholds', 'explanation'],
        properties: {
          method: { type: 'string' },
          inputs: snakeMap,
          intermediate: snakeMap,
          thresholds: snakeMap,
          explanation: { type: 'object', properties: { ja: { type: 'string' }, en: { type: 'string' } } },
        },
      },
      KpiDetail: {
        allOf: [
          { $ref: '#/components/schemas/KpiFields' },
          {
            type: 'object',
            required: ['observations', 'targets', 'calculation', 'published_rates', 'about', 'as_published_in'],
            properties: {
              aggregation: { type: 'string' },
              method: { type: 'string' },
              department: nullable('string'),
              observations: { type: 'array', items: { type: 'object', properties: { at: timePoint, value: { type: 'number' }, precise: precise, note: nullable('string'), source: nullable('string'), platform_override: nullable('string') } } },
              targets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    at: timePoint,
                    value: { type: 'number' },
                    precise: precise,
                    revisions: { type: 'array', items: { type: 'object', properties: { revised_on: { type: 'string' }, old_value: { type: 'number' }, new_value: { type: 'number' }, reason: { type: 'string' } } } },
                  },
                },
              },
              sdg_targets_detail: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, goal: nullable('string'), title: { type: ['object', 'null'], properties: { ja: { type: 'string' }, en: { type: 'string' } } } } },
              },
              calculation: {
                type: ['object', 'null'],
                properties: {
                  target_id: { type: 'string' },
                  status: record,
                  achievement: { oneOf: [record, { type: 'null' }] },
                  forecast: record,
                  un_progress_chart: { type: 'object', properties: { category: { type: 'string' }, ratio: nullable('number'), record } },
                  open_sdg: { type: 'object', properties: { status: { type: 'string' }, ratio: nullable('number'), record } },
                },
              },
              by_target: {
                type: 'array',
                items: { type: 'object', properties: { target_id: { type: 'string' }, rate: nullable('number'), display_rate: nullable('number'), status: statusEnum, forecast: { type: 'string' } } },
              },
              commentary: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    year: nullable('integer'),
                    kind: { type: 'string', enum: ['department', 'commentary', 'reflection', 'observation-note'], description: 'department: the yearly commentary the responsible department wrote (published years only)' },
                    text: { type: 'string' },
                    plan: nullable('string'),
                    observation_at: { ...timePoint, type: ['string', 'null'] },
                  },
                },
              },
              published_rates: { type: 'array', items: { $ref: '#/components/schemas/PublishedRate' } },
              plans: { type: 'array', items: { type: 'object', properties: { plan: { type: 'string' }, node: { type: 'string' }, no: nullable('string'), target_id: nullable('string') } } },
              documents: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, published: { type: 'string' } } } },
              about: {
                type: 'object',
                description: "What the KPI's metadata says (issue 15.2): as staff stated it (null when not stated), the achievement method and its formula as the city computes it, and when the published figures last changed",
                required: ['definition', 'data_source', 'data_provider', 'update_frequency', 'department', 'method', 'direction', 'formula', 'revision_count', 'last_updated', 'last_updated_jst'],
                properties: {
                  definition: nullable('string'),
                  data_source: nullable('string'),
                  data_provider: nullable('string'),
                  update_frequency: { type: ['string', 'null'], enum: [...KPI_UPDATE_FREQUENCIES, null] },
                  department: nullable('string'),
                  method: { type: 'string', enum: [...ACHIEVEMENT_METHODS] },
                  direction: { type: 'string', enum: ['up', 'down'] },
                  formula: { type: 'object', required: ['ja', 'en'], properties: { ja: { type: 'string' }, en: { type: 'string' } } },
                  revision_count: { type: 'integer', minimum: 0 },
                  last_updated: { type: ['string', 'null'], format: 'date-time', description: 'ISO instant (UTC) of the latest entry or approval of a published actual, target value or revision' },
                  last_updated_jst: { type: ['string', 'null'], description: 'The same in Asia/Tokyo: "2025-04-01 08:30 JST"' },
                },
              },
              as_published_in: {
                type: 'array',
                description: 'The documents that printed figures of this KPI, each with the figures it printed (rates as printed; actuals and targets as the document had them)',
                items: {
                  type: 'object',
                  required: ['document', 'title', 'published', 'figures'],
                  properties: {
                    document: nullable('string'),
                    title: { type: 'string' },
                    published: nullable('string'),
                    figures: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['kind', 'at', 'printed', 'value'],
                        properties: { kind: { type: 'string', enum: ['rate', 'actual', 'target'] }, at: timePoint, printed: nullable('string'), value: nullable('number') },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
      Observation: {
        type: 'object',
        required: ['city_id', 'kpi_id', 'at', 'value'],
        properties: {
          city_id: { type: 'string' },
          kpi_id: { type: 'string' },
          kpi_name: { type: 'string' },
          at: timePoint,
          at_wareki: nullable('string'),
          value: { type: 'number' },
          decimals: nullable('integer'),
          unit: { type: 'string' },
          note: nullable('string'),
          source: { ...nullable('string'), description: 'Where the figure comes from; for a value typed in over a partner-platform count, the label 「手入力（自動集計を上書き）：reason」' },
          platform_override: { ...nullable('string'), description: 'The reason a value typed in replaces the partner-platform count of its year; null for any other actual' },
        },
      },
      ObservationList: {
        type: 'object',
        required: ['city', 'observations'],
        properties: { city: { type: 'string' }, unpublished_years: unpublishedYears, observations: { type: 'array', items: { $ref: '#/components/schemas/Observation' } } },
      },
      PublishedRate: {
        type: 'object',
        required: ['document', 'printed', 'rate', 'verdict'],
        properties: {
          document: { type: 'string' },
          document_title: nullable('string'),
          document_published: nullable('string'),
          as_published: { type: ['object', 'null'], properties: { actual: { type: 'number' }, target: { type: 'number' }, baseline: { type: 'number' } } },
          today: { type: ['object', 'null'], properties: { rate: nullable('number'), actual: { type: 'number' }, target: { type: 'number' } } },
          actual_at: timePoint,
          target_id: { type: 'string' },
          printed: { type: 'string' },
          rate: { type: 'number' },
          recomputed_progress: nullable('number'),
          recomputed_ratio: nullable('number'),
          verdict: { type: ['string', 'null'], enum: ['reproduced', 'explained', 'unexplained', 'no-published-rate', 'grade', null] },
          explanation: { type: ['object', 'null'], properties: { kind: { type: 'string' }, text: { type: 'object', properties: { ja: { type: 'string' }, en: { type: 'string' } } } } },
        },
      },
      PublishedRateList: {
        type: 'object',
        required: ['city', 'published_rates'],
        properties: {
          city: { type: 'string' },
          published_rates: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                city_id: { type: 'string' },
                kpi_id: { type: 'string' },
                document_id: { type: 'string' },
                actual_at: timePoint,
                target_id: { type: 'string' },
                printed: { type: 'string' },
                published_rate: { type: 'number' },
                recomputed_progress: nullable('number'),
                recomputed_ratio: nullable('number'),
                verdict: nullable('string'),
                explanation_kind: nullable('string'),
                explanation_ja: nullable('string'),
                explanation_en: nullable('string'),
                rate_today: nullable('number'),
              },
            },
          },
        },
      },
      Rollup: {
        type: 'object',
        description: "A plan node's roll-up of its KPIs and sub-nodes",
        properties: {
          node: { type: 'string' },
          status: { type: 'string' },
          progress: nullable('number'),
          expected_progress: nullable('number'),
          worsening_weight: { type: 'number' },
          total_weight: { type: 'number' },
          parts: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                kind: { type: 'string' },
                id: { type: 'string' },
                target_id: nullable('string'),
                weight: { type: 'number' },
                status: { type: 'string' },
                progress: nullable('number'),
                expected_progress: nullable('number'),
                counted: { type: 'boolean' },
              },
            },
          },
          rule: record,
        },
      },
      Plan: {
        type: 'object',
        required: ['city', 'plan', 'rows'],
        properties: {
          city: { type: 'string' },
          unpublished_years: unpublishedYears,
          plan: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, title_en: nullable('string'), period: { type: 'array', items: { type: 'integer' } } } },
          rows: {
            type: 'array',
            items: {
              allOf: [{ $ref: '#/components/schemas/KpiFields' }, { type: 'object', properties: { node: { type: 'object', properties: { id: { type: 'string' }, code: nullable('string'), title: { type: 'string' } } }, no: nullable('string') } }],
              unevaluatedProperties: false,
            },
          },
          evaluations: {
            type: 'array',
            description: 'The expert evaluation (有識者からの評価) by year, newest first; published years only',
            items: { type: 'object', properties: { year: nullable('integer'), title: { type: 'string' }, body: { type: 'string' } } },
          },
          nodes: { type: 'array', items: { $ref: '#/components/schemas/Rollup' } },
        },
      },
      GoalList: {
        type: 'object',
        required: ['goals'],
        properties: {
          goals: {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, title: bilingual, short: bilingual, colour: { type: 'string' }, kpi_count: { type: 'integer' }, city_count: { type: 'integer' }, url: { type: 'string' } },
            },
          },
        },
      },
      Goal: {
        type: 'object',
        required: ['goal', 'kpi_count', 'targets', 'kpis'],
        properties: {
          goal: { type: 'object', properties: { id: { type: 'string' }, title: bilingual, short: bilingual, colour: { type: 'string' } } },
          kpi_count: { type: 'integer' },
          city_count: { type: 'integer' },
          targets: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: bilingual, kpi_count: { type: 'integer' } } } },
          targets_without_kpis: { type: 'array', items: { type: 'string' } },
          filter: { type: 'object', properties: { target: nullable('string'), prefecture: nullable('string'), status: nullable('string') } },
          ...paging,
          kpis: { type: 'array', items: { $ref: '#/components/schemas/KpiSummary' } },
        },
      },
      Comparison: {
        type: 'object',
        required: ['cities', 'shared_targets', 'shared_goals', 'same_kpis'],
        properties: {
          cities: { type: 'array', items: { type: 'string' } },
          shared_targets: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: bilingual, columns: comparisonColumns } } },
          shared_goals: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, short: bilingual, columns: comparisonColumns } } },
          same_kpis: {
            type: 'array',
            description: 'KPIs of one definition that two or more of the cities measure (a shared indicator code, else the same normalised name and unit), each indexed to its own city\'s baseline (= 100)',
            items: {
              type: 'object',
              required: ['key', 'indicator', 'all_cities_url', 'kpis'],
              properties: {
                key: { type: 'string', description: 'The definition key: "indicator:<code>" or "name:<normalised name>|<unit>"', examples: ['indicator:12.5.1'] },
                indicator: nullable('string'),
                all_cities_url: { type: 'string', description: 'The page listing every city measuring this definition' },
                kpis: {
                  type: 'array',
                  items: {
                    allOf: [
                      { $ref: '#/components/schemas/KpiFields' },
                      {
                        type: 'object',
                        required: ['series', 'latest_index'],
                        properties: {
                          series: {
                            type: 'array',
                            description: 'The baseline, then each public actual after it, in time order',
                            items: {
                              type: 'object',
                              required: ['kind', 'at', 'value', 'index'],
                              properties: { kind: { type: 'string', enum: ['baseline', 'actual'] }, at: timePoint, value: { type: 'number' }, index: { ...nullable('number'), description: '100 × value / baseline, to 0.1; null when the baseline is 0 or the signs differ' } },
                            },
                          },
                          latest_index: nullable('number'),
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      },
      SearchResults: {
        type: 'object',
        required: ['query', 'total', 'kpis', 'plans', 'nodes'],
        properties: {
          query: { type: 'string' },
          total: { type: 'integer', description: 'Hits in all, counted up to 1,000; a lower bound when total_more is true' },
          total_more: { type: 'boolean', const: true, description: 'Present when more hits match than were counted (total is then 1,000)' },
          kpis: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
          plans: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
          nodes: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
        },
      },
      SearchHit: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['plan', 'node', 'kpi'] },
          city: { type: 'string' },
          plan: nullable('string'),
          node: nullable('string'),
          kpi: nullable('string'),
          title: { type: 'string' },
          highlights: { type: 'array', items: { type: 'string' } },
          approximate: { type: 'boolean', description: 'Found by a related word, the kanji of the query or most of its characters rather than the query itself' },
          path: { type: 'string' },
        },
      },
    },
  },
} as const;
