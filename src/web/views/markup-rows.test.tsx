import { describe, expect, it } from 'vitest';
import type { Child } from 'hono/jsx';
import { KPI_STATUSES, type KpiStatus } from '../../core/kpi/status.ts';
import type { HeadlineRows } from '../../cities/city-pages.service.ts';
import type { KpiTableRow } from '../../kpis/kpi-table-row.model.ts';
import { headlineCards } from './city.view.tsx';
import { selectOptions } from './city-kpi-list.view.tsx';
import { markup, renderToString } from './markup.ts';
import { kpiPath, quantityLabel, rowRateLabel, StatusWithOverride, timeLabel } from './public-parts.tsx';
import { RateBar } from './status-badge.tsx';
import { countCell, StatusCountTable, type StatusCountRow } from './status-count-table.tsx';
import { localized, viewContext, type ViewContext } from './view-context.ts';

/*
 * Issue 11.5 writes the city page's headline cards, count tables and filter options as escaped
 * strings (markup.ts) instead of JSX. Each must give the very bytes the JSX gave, hostile text
 * included: the JSX of the previous views is kept here as the reference.
 */

/** Text a person could type: markup characters, both quotes, an ampersand entity, U+2028 and a very long run. */
const HOSTILE = [`<script>alert(1)</script>`, `"'&amp;&<>`, `行\u2028区切り\u2029`, `長${'い名前<&>'.repeat(400)}`, ''];

function ReferenceCountTable(props: { ctx: ViewContext; caption: string; labelledBy?: string; groupHeader: string; columnsBefore?: readonly string[]; rows: readonly (Omit<StatusCountRow, 'header'> & { header?: Child })[] }) {
  const { ctx } = props;
  const sep = ctx.lang === 'ja' ? '：' : ': ';
  const region = props.labelledBy ? { 'aria-labelledby': props.labelledBy } : { 'aria-label': props.caption };
  const Cell = (p: { n: number; href: string; label: string; class?: string }) => <td class={p.class}>{p.n > 0 ? <a href={p.href} aria-label={p.label}>{p.n}</a> : '0'}</td>;
  return (
    <div class="table-scroll" tabindex={0} role="region" {...region}>
      <table class="glance-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.groupHeader}</th>
            {(props.columnsBefore ?? []).map((h) => <th scope="col" class="num">{h}</th>)}
            {KPI_STATUSES.map((s) => <th scope="col" class="num">{ctx.t(`status.${s}`)}</th>)}
            <th scope="col" class="num">{ctx.t('pub.glance.total')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <th scope="row">{row.header ?? row.label}</th>
              {(row.before ?? []).map((cell) => <td class="num">{cell}</td>)}
              {KPI_STATUSES.map((s) => <Cell class="num" n={row.counts[s]} href={row.href(s)} label={`${row.label}${sep}${ctx.t(`status.${s}`)} ${row.counts[s]}`} />)}
              <td class="num"><a href={row.href()} aria-label={`${row.label}${sep}${ctx.t('pub.glance.total')} ${row.total}`}>{row.total}</a></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReferenceHeadline(props: { ctx: ViewContext; cityId: string; headline: HeadlineRows }) {
  const { ctx } = props;
  return (
    <>
      {props.headline.items.map((k) => (
        <li class="card headline">
          <h3><a href={ctx.href(kpiPath(props.cityId, k.kpiId))}>{localized(ctx, k.name, k.nameEn)}</a></h3>
          <p class="headline-figure">
            {quantityLabel(ctx, k.latest, k.unit)}
            <span class="muted small">{' '}/ {ctx.t('kpi.target')} {quantityLabel(ctx, k.target, k.unit)}{k.target ? `（${timeLabel(k.target.at, ctx.lang)}）` : ''}</span>
          </p>
          <p class="headline-status">
            <RateBar rate={k.displayRate} label={rowRateLabel(ctx, k)} />{' '}
            <StatusWithOverride ctx={ctx} status={k.status} override={k.override} reason />
          </p>
        </li>
      ))}
    </>
  );
}

const counts = (n: number): Record<KpiStatus, number> => ({ achieved: n, 'on-track': 0, behind: n * 2, worsening: 0, missed: 1, 'no-data': n });

describe.each(['ja', 'en'] as const)('markup rows give the bytes the JSX gave (%s)', (lang) => {
  const ctx = viewContext(lang, '/cities/x', lang === 'en' ? '?lang=en' : '');

  it('count tables: labels, captions, cells before the counts and markup row headers, hostile text escaped the same', () => {
    for (const text of HOSTILE) {
      const rows = [0, 3].map((n) => ({
        label: `${text}${n}`,
        before: [`${n}${text}`],
        counts: counts(n),
        total: n * 4 + 1,
        href: (s?: KpiStatus) => ctx.href(`/cities/x/kpis?department=${encodeURIComponent(text)}${s ? `&status=${s}` : ''}&q="${text}"`),
      }));
      for (const labelledBy of [undefined, `h-${text}`]) {
        const props = { ctx, caption: `表${text}`, groupHeader: `区分${text}`, columnsBefore: [`人口${text}`], rows, ...(labelledBy ? { labelledBy } : {}) };
        expect(String(StatusCountTable(props))).toBe(renderToString(<ReferenceCountTable {...props} />));
      }
      const header = { ja: markup`<a href="${`/c?x=${text}`}">${text}</a><span class="cell-note">${text}</span>`, jsx: <><a href={`/c?x=${text}`}>{text}</a><span class="cell-note">{text}</span></> };
      const withHeader = rows.map((r) => ({ ...r, header: header.ja }));
      const base = { ctx, caption: text, groupHeader: text };
      expect(String(StatusCountTable({ ...base, rows: withHeader }))).toBe(renderToString(<ReferenceCountTable {...base} rows={rows.map((r) => ({ ...r, header: header.jsx }))} />));
      for (const cls of [undefined, 'num']) {
        expect(String(countCell(2, `/k?q=${text}`, text, cls))).toBe(renderToString(<td class={cls}><a href={`/k?q=${text}`} aria-label={text}>{2}</a></td>));
        expect(String(countCell(0, `/k?q=${text}`, text, cls))).toBe(renderToString(<td class={cls}>{'0'}</td>));
      }
    }
  });

  it('filter options: values and labels escaped the same, the chosen one selected', () => {
    const items = HOSTILE.map((t, i) => [`${t}${i}`, `課${t}`] as const);
    for (const selected of [undefined, items[1]![0], items[3]![0], 'none']) {
      const jsx = <>{items.map(([value, label]) => <option value={value} selected={selected === value}>{label}</option>)}</>;
      expect(String(selectOptions(items, selected))).toBe(renderToString(jsx));
    }
  });

  it('headline cards: a hostile name, English name and unit, figures or none, overrides with a hostile justification', () => {
    const items: KpiTableRow[] = HOSTILE.flatMap((text, i) => [
      {
        city: { id: 'x', name: text, nameEn: '', prefecture: text, prefectureEn: '' },
        kpiId: `k-${i}`,
        name: `指標${text}`,
        nameEn: i % 2 === 0 ? `KPI${text}` : undefined,
        unit: text,
        sdgTargets: ['11.2'],
        latest: { at: { kind: 'fiscal-year', year: 2024 }, value: 1234.5, decimals: 1 },
        target: { at: { kind: 'fiscal-year', year: 2030 }, value: 2000 },
        targets: [],
        rate: i === 1 ? null : 61.72,
        displayRate: i === 2 ? null : 61.72,
        status: KPI_STATUSES[i % KPI_STATUSES.length]!,
        override: i % 2 === 1 ? { status: 'achieved', justification: `理由${text}`, decidedOn: '2025-03-31' } : undefined,
        forecast: 'reaches',
      },
      { city: { id: 'x', name: 'x', nameEn: '', prefecture: 'p', prefectureEn: '' }, kpiId: `none-${i}`, name: text, unit: '', sdgTargets: [], latest: null, target: null, targets: [], rate: null, displayRate: null, status: 'no-data', forecast: 'no-data' },
    ]);
    const headline: HeadlineRows = { items, total: items.length };
    expect(String(headlineCards(ctx, 'x&y', headline))).toBe(renderToString(<ReferenceHeadline ctx={ctx} cityId="x&y" headline={headline} />));
  });
});
