/**
 * Reading what municipalities print: numbers, quantities with units, achievement rates,
 * time points in 西暦 and 和暦, SDG target lists and KPI names. Pure functions, no I/O;
 * expected failures are `Parsed` values carrying a bilingual message that quotes the input.
 */
export { fail, ok, type NotationError, type NotationErrorKind, type NotationNote, type Parsed } from './notation-error.ts';
export { normalizeNotation } from './normalize.ts';
export { isNotAvailable, parseNumber, type PrintedNumber } from './parse-number.ts';
export { normalizeUnit, parseFigure, parsePublishedRate, parseQuantity, parseRate, scaledUnit, scaleQuantity, type Figure, type ParseQuantityOptions, type PublishedRateReading, type ScaledUnit } from './parse-quantity.ts';
export { formatTimePointWareki, parsePeriodYear, parseTimePoint, parseTimePointNoted, type NotedTimePoint } from './parse-time-point.ts';
export { parseSdgTargetList } from './parse-sdg-targets.ts';
export { kpiNameKey, parseKpiName, type ParsedKpiName } from './parse-kpi-name.ts';
