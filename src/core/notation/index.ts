/**
 * Reading what municipalities print: numbers, quantities with units, achievement rates,
 * time points in 西暦 and 和暦, SDG target lists and KPI names. Pure functions, no I/O;
 * expected failures are `Parsed` values carrying a bilingual message that quotes the input.
 */
export { fail, ok, type NotationError, type NotationErrorKind, type Parsed } from './notation-error.ts';
export { normalizeNotation } from './normalize.ts';
export { parseNumber, type PrintedNumber } from './parse-number.ts';
export { normalizeUnit, parseQuantity, parseRate, type ParseQuantityOptions } from './parse-quantity.ts';
export { formatTimePointWareki, parseTimePoint } from './parse-time-point.ts';
export { parseSdgTargetList } from './parse-sdg-targets.ts';
export { parseKpiName, type ParsedKpiName } from './parse-kpi-name.ts';
