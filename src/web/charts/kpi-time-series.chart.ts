
/** A point of the chart: x in fractional years (the middle of the span the figure is for). */
export interface ChartPoint {
  readonly x: number;
  readonly value: number;
}

/**
 * What the KPI chart draws, already in display terms: the view decides the labels (from the
 * message catalog) and positions; this module only draws.
 */
export interface KpiChartInput {
  readonly labels: {
    readonly baseline: string;
    readonly actual: string;
    readonly target: string;
    readonly line: string;
    readonly forecast: string;
    /** Formats an x value (a year) for the axis. */
    readonly year: (year: number) => string;
    /** Formats a y value for the axis (thousands separators). */
    readonly value: (value: number) => string;
  };
  readonly unit: string;
  readonly baseline: ChartPoint;
  readonly actuals: readonly ChartPoint[];
  readonly targets: readonly ChartPoint[];
  /** The straight line from the baseline to the current target. */
  readonly line: readonly [ChartPoint, ChartPoint] | null;
  /** The trend from the latest actual to its projected value at the target's time. */
  readonly forecast: readonly [ChartPoint, ChartPoint] | null;
}

/** Sizes the page renders: a wide chart for screens and print, a narrow one for phones. */
export const CHART_SIZES = {
  wide: { width: 760, height: 380, fontSize: 13 },
  narrow: { width: 360, height: 340, fontSize: 12 },
} as const;

/** Series colours: contrast ≥ 3:1 on white (WCAG 1.4.11), told apart by symbol and dash too. */
const COLOURS = { actual: '#0b5394', baseline: '#4d4d4d', target: '#a33a00', line: '#1b5e20', forecast: '#6a1b9a' } as const;
const FONT = "'Noto Sans CJK JP', 'Noto Sans JP', sans-serif";

/** Year ticks every 1, 2 or 5 years depending on the span shown. */
function tickInterval(span: number, narrow: boolean): number {
  const perTick = narrow ? 6 : 12;
  if (span <= perTick) return 1;
  if (span <= perTick * 2) return 2;
  return 5;
}

/**
 * The KPI's time series as an SVG string (no DOM, no chart library): the baseline, the actuals
 * joined by a line, the target points, the dashed straight line from baseline to target and the
 * dotted forecast, with a legend and two labelled axes. The caller wraps it with a text
 * alternative. Drawn anew each time: it costs about 0.05 ms (ECharts took 10–14 ms, so its
 * drawings were cached; see README "Charts: a purpose-built SVG for the KPI chart").
 */
export function renderKpiChart(input: KpiChartInput, size: keyof typeof CHART_SIZES): string {
  return drawKpiChart(input, size);
}

/** Space between a tick and its label, and the tick's length (px). */
const LABEL_GAP = 8;
const TICK = 5;
/** Legend entry: the icon's width and the space between icon and name (px). */
const ICON = 25;
const ICON_GAP = 5;

/**
 * Approximate width in px of a text drawn in the chart font (Noto Sans / its Latin fallback):
 * CJK and full-width characters a full em, digits about 0.56 em, Latin letters 0.5–0.65 em,
 * narrow punctuation 0.28 em. Used only to lay labels out (room for the y labels, legend
 * wrapping, hiding overlapping year labels); each place leaves a margin for the error.
 */
function textWidth(s: string, fontSize: number): number {
  let em = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x1100) em += 1;
    else if (' ,.:;\'|!()[]iljtf'.includes(ch)) em += 0.28;
    else if (ch === 'm' || ch === 'w' || ch === 'M' || ch === 'W' || ch === '%') em += 0.85;
    else if (ch >= 'A' && ch <= 'Z') em += 0.65;
    else if (ch >= 'a' && ch <= 'z') em += 0.5;
    else em += 0.56;
  }
  return em * fontSize;
}

/**
 * A "nice" step near `value` (1, 2, 3 or 5 × 10ⁿ), the rule ECharts uses for its value axes,
 * so the ticks read as round numbers.
 */
function niceStep(value: number): number {
  const exp10 = 10 ** Math.floor(Math.log10(value));
  const f = value / exp10;
  const nf = f < 1.5 ? 1 : f < 2.5 ? 2 : f < 4 ? 3 : f < 7 ? 5 : 10;
  return nf * exp10;
}

/** Decimals of a step (0.25 → 2), to print ticks without floating-point noise (0.30000000000000004). */
function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step)));
}

/**
 * The y axis: about five round steps covering every value drawn, not forced through zero (a
 * KPI moving from 420 to 871 should not be flattened against a zero line). A single value gets
 * a span around it.
 */
function valueTicks(values: readonly number[]): { min: number; max: number; ticks: number[] } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const half = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo -= half;
    hi += half;
  }
  const step = niceStep((hi - lo) / 5);
  const decimals = stepDecimals(step);
  const round = (v: number) => Number(v.toFixed(decimals));
  const min = round(Math.floor(lo / step) * step);
  const max = round(Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let k = 0; ; k++) {
    const v = round(min + k * step);
    if (v > max + step / 1e6) break;
    ticks.push(v);
  }
  return { min, max, ticks };
}

const n1 = (v: number) => String(Math.round(v * 10) / 10);
/** Pixel-crisp position for a 1 px line. */
const crisp = (v: number) => String(Math.round(v) + 0.5);

/** One legend entry or chart marker's shape, centred on (x, y). */
function marker(kind: 'circle' | 'rect' | 'diamond', x: number, y: number): string {
  switch (kind) {
    case 'circle':
      return `<circle cx="${n1(x)}" cy="${n1(y)}" r="4.5" fill="${COLOURS.actual}"/>`;
    case 'rect':
      return `<rect x="${n1(x - 6)}" y="${n1(y - 6)}" width="12" height="12" fill="${COLOURS.baseline}"/>`;
    case 'diamond':
      return `<path d="M${n1(x)} ${n1(y - 6.5)}L${n1(x + 6.5)} ${n1(y)}L${n1(x)} ${n1(y + 6.5)}L${n1(x - 6.5)} ${n1(y)}Z" fill="#fff" stroke="${COLOURS.target}" stroke-width="3"/>`;
  }
}

const DASH = { line: '8 4', forecast: '3 3' } as const;

/**
 * Draws the chart as SVG text directly (no chart library): two value axes with round ticks and
 * grid lines, the legend (wrapped and centred), the dashed straight line, the dotted forecast,
 * the actuals' line with circles, the baseline square and the target diamonds. ECharts did the
 * same drawing in 10–14 ms a chart; this is a string built in a few microseconds (README,
 * "Charts"). Texts are escaped: the unit is a stored, user-entered text.
 */
function drawKpiChart(input: KpiChartInput, size: keyof typeof CHART_SIZES): string {
  const { width, height, fontSize } = CHART_SIZES[size];
  const narrow = size === 'narrow';
  const { labels } = input;

  // x: whole years around every point, ticks every 1, 2 or 5 years from the first.
  const points = [input.baseline, ...input.actuals, ...input.targets, ...(input.line ?? []), ...(input.forecast ?? [])];
  const minX = Math.floor(Math.min(...points.map((p) => p.x)));
  const maxX = Math.max(minX + 1, Math.ceil(Math.max(...points.map((p) => p.x))));
  const xStep = tickInterval(maxX - minX, narrow);
  const y = valueTicks(points.map((p) => p.value));
  const yLabels = y.ticks.map((v) => labels.value(v));

  // Legend: entries in rows no wider than the chart, each row centred.
  const entries: { name: string; icon: 'actual' | 'baseline' | 'target' | 'line' | 'forecast' }[] = [
    { name: labels.actual, icon: 'actual' },
    { name: labels.baseline, icon: 'baseline' },
    { name: labels.target, icon: 'target' },
    ...(input.line ? [{ name: labels.line, icon: 'line' as const }] : []),
    ...(input.forecast ? [{ name: labels.forecast, icon: 'forecast' as const }] : []),
  ];
  const itemGap = narrow ? 8 : 16;
  const rowHeight = fontSize + 10;
  const rows: { name: string; icon: (typeof entries)[number]['icon']; w: number }[][] = [[]];
  let rowWidth = 0;
  for (const e of entries) {
    const w = ICON + ICON_GAP + textWidth(e.name, fontSize);
    const row = rows.at(-1)!;
    if (row.length > 0 && rowWidth + itemGap + w > width - 16) {
      rows.push([{ ...e, w }]);
      rowWidth = w;
    } else {
      row.push({ ...e, w });
      rowWidth += (row.length > 1 ? itemGap : 0) + w;
    }
  }

  // The plot area: room for the legend and the unit above, the y labels on the left, the year labels below.
  const unitRow = fontSize + 12;
  const top = Math.max(narrow ? 84 : 56, rows.length * rowHeight + unitRow + 4);
  const left = (narrow ? 8 : 16) + Math.max(...yLabels.map((l) => textWidth(l, fontSize))) + LABEL_GAP;
  const right = width - (narrow ? 20 : 32);
  const bottom = height - 8 - fontSize - LABEL_GAP;
  const px = (x: number) => left + ((x - minX) / (maxX - minX)) * (right - left);
  const py = (v: number) => bottom - ((v - y.min) / (y.max - y.min)) * (bottom - top);

  const out: string[] = [];
  out.push(
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${fontSize}">`,
    `<rect width="${width}" height="${height}" x="0" y="0" fill="none"></rect>`,
  );

  // Grid lines, axes, ticks.
  const grid: string[] = [];
  const ticks: string[] = [];
  for (const v of y.ticks) {
    const yy = crisp(py(v));
    grid.push(`M${n1(left)} ${yy}H${n1(right)}`);
    ticks.push(`M${n1(left - TICK)} ${yy}H${n1(left)}`);
  }
  const xTicks: number[] = [];
  for (let x = minX; x <= maxX; x += xStep) xTicks.push(x);
  for (const x of xTicks) {
    const xx = crisp(px(x));
    grid.push(`M${xx} ${n1(top)}V${n1(bottom)}`);
    ticks.push(`M${xx} ${n1(bottom)}v${TICK}`);
  }
  out.push(`<path d="${grid.join('')}" fill="none" stroke="#e3e3e3"/>`);
  out.push(`<path d="M${crisp(left)} ${n1(top)}V${crisp(bottom)}H${n1(right)}${ticks.join('')}" fill="none" stroke="#767676"/>`);

  // Axis labels: values right-aligned left of the axis, years centred under their ticks
  // (one that would overlap the previous shown is left out), the unit above the value axis.
  const text: string[] = [];
  y.ticks.forEach((v, i) => text.push(`<text x="${n1(left - LABEL_GAP)}" y="${n1(py(v))}" text-anchor="end" dominant-baseline="central">${escapeXml(yLabels[i]!)}</text>`));
  let shownUntil = -Infinity;
  for (const x of xTicks) {
    const label = labels.year(x);
    const w = textWidth(label, fontSize);
    const cx = px(x);
    if (cx - w / 2 < shownUntil + 4) continue;
    shownUntil = cx + w / 2;
    text.push(`<text x="${n1(cx)}" y="${n1(bottom + LABEL_GAP + fontSize / 2)}" text-anchor="middle" dominant-baseline="central">${escapeXml(label)}</text>`);
  }
  if (input.unit) text.push(`<text x="${n1(left)}" y="${n1(top - 8 - fontSize / 2)}" dominant-baseline="central">${escapeXml(input.unit)}</text>`);
  out.push(`<g fill="#333">${text.join('')}</g>`);

  // Legend.
  const legend: string[] = [];
  rows.forEach((row, r) => {
    const total = row.reduce((sum, e) => sum + e.w, 0) + itemGap * (row.length - 1);
    let x = (width - total) / 2;
    const cy = r * rowHeight + rowHeight / 2;
    for (const e of row) {
      const mid = x + ICON / 2;
      if (e.icon === 'actual') legend.push(`<path d="M${n1(x)} ${n1(cy)}h${ICON}" stroke="${COLOURS.actual}" stroke-width="3"/>`, marker('circle', mid, cy));
      else if (e.icon === 'baseline') legend.push(marker('rect', mid, cy));
      else if (e.icon === 'target') legend.push(marker('diamond', mid, cy));
      else legend.push(`<path d="M${n1(x)} ${n1(cy)}h${ICON}" stroke="${COLOURS[e.icon]}" stroke-width="${e.icon === 'line' ? 2 : 3}" stroke-dasharray="${DASH[e.icon]}"/>`);
      legend.push(`<text x="${n1(x + ICON + ICON_GAP)}" y="${n1(cy)}" dominant-baseline="central" fill="#1a1a1a">${escapeXml(e.name)}</text>`);
      x += e.w + itemGap;
    }
  });
  out.push(`<g>${legend.join('')}</g>`);

  // Series, bottom to top: straight line, forecast, actuals, baseline, targets.
  const polyline = (ps: readonly ChartPoint[]) => ps.map((p, i) => `${i === 0 ? 'M' : 'L'}${n1(px(p.x))} ${n1(py(p.value))}`).join('');
  if (input.line) out.push(`<path d="${polyline(input.line)}" fill="none" stroke="${COLOURS.line}" stroke-width="2" stroke-dasharray="${DASH.line}"/>`);
  if (input.forecast) out.push(`<path d="${polyline(input.forecast)}" fill="none" stroke="${COLOURS.forecast}" stroke-width="3" stroke-dasharray="${DASH.forecast}"/>`);
  const actualLine = [input.baseline, ...input.actuals];
  if (actualLine.length > 1) out.push(`<path d="${polyline(actualLine)}" fill="none" stroke="${COLOURS.actual}" stroke-width="3" stroke-linejoin="round"/>`);
  for (const p of input.actuals) out.push(marker('circle', px(p.x), py(p.value)));
  out.push(marker('rect', px(input.baseline.x), py(input.baseline.value)));
  for (const p of input.targets) out.push(marker('diamond', px(p.x), py(p.value)));
  out.push('</svg>');
  return out.join('\n');
}

/** Text for XML character data and attribute values. */
function escapeXml(s: string): string {
  // Characters XML 1.0 does not allow at all (stored texts refuse them; a file must parse anyway).
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/**
 * The chart as a file people take away (issue 15.4): a standalone SVG document with an XML
 * declaration, a white background (a transparent chart is unreadable on a dark slide), and its
 * title and text alternative as `<title>` and `<desc>`, so the file explains itself when it is
 * opened, embedded or read aloud. The wide size: a file is not laid out for a phone.
 */
export function standaloneKpiChartSvg(input: KpiChartInput, text: { readonly title: string; readonly description: string }): string {
  const svg = renderKpiChart(input, 'wide');
  const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  const head = svg.slice(0, open).replace('<svg ', '<svg role="img" aria-labelledby="chart-title chart-desc" ');
  const body = svg.slice(open).replace(/<rect width="(\d+)" height="(\d+)" x="0" y="0" fill="none"><\/rect>/, '<rect width="$1" height="$2" x="0" y="0" fill="#ffffff"></rect>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n<title id="chart-title">${escapeXml(text.title)}</title>\n<desc id="chart-desc">${escapeXml(text.description)}</desc>${body}`;
}
