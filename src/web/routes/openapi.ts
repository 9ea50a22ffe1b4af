/**
 * The OpenAPI 3.1 description of the public JSON API, served at /api/v1/openapi.json. Written
 * by hand beside the routes (public-api.routes.ts, api.routes.ts); a test requests every path
 * with its parameters' examples and expects 200, so a path cannot be documented and missing.
 */

const cityParam = { name: 'city', in: 'path', required: true, description: 'City id (ASCII slug)', schema: { type: 'string', pattern: '^[a-z0-9-]+$' }, example: 'ichinoseki' } as const;
const problem = { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } as const;
const ok = (description: string, ref: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const nullable = (type: string) => ({ type: [type, 'null'] });
const timePoint = { type: 'string', description: 'Time point: "2020" (year), "FY2021" (fiscal year, April–March), "2024-03" (month), "2024-03-31" (day), "2020/2024" (period)' };
const statusEnum = { type: 'string', enum: ['achieved', 'on-track', 'behind', 'worsening', 'missed', 'no-data'] };

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
    '/cities': { get: { summary: 'The cities', operationId: 'listCities', responses: { 200: ok('The cities', 'CityList') } } },
    '/cities/{city}': {
      get: { summary: 'A city: plans, KPI status counts, covered SDG goals', operationId: 'getCity', parameters: [cityParam], responses: { 200: ok('The city', 'City'), 404: problem } },
    },
    '/cities/{city}/kpis': {
      get: { summary: "A city's KPIs against their current targets", operationId: 'listCityKpis', parameters: [cityParam], responses: { 200: ok('KPIs', 'KpiList'), 404: problem } },
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
        parameters: [{ name: 'goal', in: 'path', required: true, schema: { type: 'string', pattern: '^([1-9]|1[0-7])$' }, example: '7' }],
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
        required: ['id', 'name', 'name_en'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          name_en: { type: 'string' },
          prefecture: { type: 'string' },
          prefecture_en: { type: 'string' },
          sdgs_future_city_since: nullable('integer'),
          population: nullable('integer'),
        },
      },
      CityList: { type: 'object', required: ['cities'], properties: { cities: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } } } } } },
      City: {
        type: 'object',
        required: ['city', 'plans', 'kpi_count', 'status_counts', 'covered_goals'],
        properties: {
          city: { $ref: '#/components/schemas/CityHead' },
          plans: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, period: { type: 'array', items: { type: 'integer' } } } } },
          kpi_count: { type: 'integer' },
          status_counts: { type: 'object', additionalProperties: { type: 'integer' } },
          covered_goals: { type: 'array', items: { type: 'string' } },
          kpis_url: { type: 'string' },
          download_url: { type: 'string', description: 'Zip of every table as CSV (UTF-8 with BOM) and JSON' },
        },
      },
      Kpi: {
        type: 'object',
        required: ['id', 'name', 'unit', 'sdg_targets', 'baseline', 'status'],
        properties: {
          city: { type: 'string' },
          id: { type: 'string' },
          name: { type: 'string' },
          name_en: nullable('string'),
          unit: { type: 'string' },
          sdg_targets: { type: 'array', items: { type: 'string' }, examples: [['2.3', '11.a']] },
          side: { type: 'string', enum: ['economy', 'society', 'environment', 'none'] },
          baseline: { type: 'object', properties: { at: timePoint, value: { type: 'number' } } },
          latest_actual: { type: ['object', 'null'], properties: { at: timePoint, value: { type: 'number' } } },
          target: { type: ['object', 'null'], properties: { id: { type: 'string' }, at: timePoint, value: { type: 'number' } } },
          rate: { ...nullable('number'), description: "Achievement rate (達成度, %) by the KPI's method, unrounded" },
          display_rate: nullable('number'),
          status: statusEnum,
          status_explanation: { type: ['object', 'null'], properties: { ja: { type: 'string' }, en: { type: 'string' } } },
          status_override: {
            type: ['object', 'null'],
            description: 'A status the city secretariat set instead of the computed `status`, with its required justification; null when none',
            properties: { status: { type: 'string', enum: ['achieved', 'on-track', 'behind', 'worsening'] }, justification: { type: 'string' }, decided_on: { type: 'string', format: 'date' } },
          },
          forecast: { type: ['object', 'null'], properties: { verdict: { type: 'string', enum: ['reaches', 'misses', 'missed', 'no-data'] }, projected_value: nullable('number'), margin: nullable('number') } },
          url: { type: 'string' },
        },
      },
      KpiList: { type: 'object', required: ['city', 'kpis'], properties: { city: { type: 'string' }, kpis: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } } } },
      CalculationRecord: {
        type: 'object',
        properties: {
          method: { type: 'string' },
          inputs: { type: 'object' },
          intermediate: { type: 'object' },
          thresholds: { type: 'object' },
          explanation: { type: 'object', properties: { ja: { type: 'string' }, en: { type: 'string' } } },
        },
      },
      KpiDetail: {
        allOf: [
          { $ref: '#/components/schemas/Kpi' },
          {
            type: 'object',
            properties: {
              observations: { type: 'array', items: { type: 'object', properties: { at: timePoint, value: { type: 'number' }, note: nullable('string'), source: nullable('string') } } },
              targets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    at: timePoint,
                    value: { type: 'number' },
                    revisions: { type: 'array', items: { type: 'object', properties: { revised_on: { type: 'string' }, old_value: { type: 'number' }, new_value: { type: 'number' }, reason: { type: 'string' } } } },
                  },
                },
              },
              calculation: {
                type: ['object', 'null'],
                properties: {
                  status: { $ref: '#/components/schemas/CalculationRecord' },
                  achievement: { $ref: '#/components/schemas/CalculationRecord' },
                  forecast: { $ref: '#/components/schemas/CalculationRecord' },
                  un_progress_chart: { type: 'object' },
                  open_sdg: { type: 'object' },
                },
              },
              commentary: { type: 'array', items: { type: 'object', properties: { year: nullable('integer'), kind: { type: 'string', enum: ['department', 'commentary', 'reflection', 'observation-note'], description: 'department: the yearly commentary the responsible department wrote (published years only)' }, text: { type: 'string' } } } },
              published_rates: { type: 'array', items: { $ref: '#/components/schemas/PublishedRate' } },
            },
          },
        ],
      },
      Observation: {
        type: 'object',
        properties: { city_id: { type: 'string' }, kpi_id: { type: 'string' }, at: timePoint, at_wareki: nullable('string'), value: { type: 'number' }, unit: { type: 'string' }, note: nullable('string') },
      },
      ObservationList: { type: 'object', properties: { city: { type: 'string' }, observations: { type: 'array', items: { $ref: '#/components/schemas/Observation' } } } },
      PublishedRate: {
        type: 'object',
        properties: {
          document: { type: 'string' },
          printed: { type: 'string' },
          rate: { type: 'number' },
          recomputed_progress: nullable('number'),
          recomputed_ratio: nullable('number'),
          verdict: { type: ['string', 'null'], enum: ['reproduced', 'explained', 'unexplained', 'no-published-rate', 'grade', null] },
          explanation: { type: ['object', 'null'] },
        },
      },
      PublishedRateList: { type: 'object', properties: { city: { type: 'string' }, published_rates: { type: 'array', items: { type: 'object' } } } },
      Plan: {
        type: 'object',
        required: ['city', 'plan', 'rows'],
        properties: {
          city: { type: 'string' },
          plan: { type: 'object' },
          rows: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } },
          evaluations: {
            type: 'array',
            description: 'The expert evaluation (有識者からの評価) by year, newest first; published years only',
            items: { type: 'object', properties: { year: nullable('integer'), title: { type: 'string' }, body: { type: 'string' } } },
          },
        },
      },
      GoalList: {
        type: 'object',
        properties: {
          goals: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, colour: { type: 'string' }, kpi_count: { type: 'integer' }, cities: { type: 'array', items: { type: 'string' } } } },
          },
        },
      },
      Goal: {
        type: 'object',
        properties: {
          goal: { type: 'object' },
          kpi_count: { type: 'integer' },
          targets: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, kpis: { type: 'array', items: { $ref: '#/components/schemas/Kpi' } } } } },
          targets_without_kpis: { type: 'array', items: { type: 'string' } },
        },
      },
      Comparison: {
        type: 'object',
        properties: { cities: { type: 'array', items: { type: 'string' } }, shared_targets: { type: 'array', items: { type: 'object' } }, shared_goals: { type: 'array', items: { type: 'object' } } },
      },
      SearchResults: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          total: { type: 'integer' },
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
          title: { type: 'string' },
          highlights: { type: 'array', items: { type: 'string' } },
          approximate: { type: 'boolean' },
          path: { type: 'string' },
        },
      },
    },
  },
} as const;
