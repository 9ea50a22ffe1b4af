import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { formatDecimal } from '../../../i18n/number-format.ts';
import { roundHalfUp } from '../../../core/kpi/rounding.ts';
import { findSdgGoal } from '../../../core/sdg/sdg-framework.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { t } from '../../../i18n/messages.ts';
import type { NarrativeSection, PlanNarrative } from '../../../core/plan/plan.ts';
import { sheetKindsOf, type ProgressSheet, type SheetFigure, type SheetRow, type SheetTable } from '../../../sheets/progress-sheet.ts';
import { nameWithTargets, sheetLabels, sheetTime } from '../../../sheets/sheet-text.ts';
import { SHEET_CSS } from './sheet.css.ts';
import { documentHead } from '../layout.tsx';
import { markup } from '../markup.ts';
import { UnpublishedYearsNote } from '../unpublished-note.tsx';

/** Links shown above the sheet in the app (not printed); absent in the PDF and the CLI's HTML. */
export interface SheetToolbar {
  readonly years: readonly number[];
  /** The sheet's URL without extension or query: `/cities/x/plans/y/sheet`. */
  readonly base: string;
  readonly planHref: string;
}

type Labels = ReturnType<typeof sheetLabels>;

/**
 * The print view of a sheet: one self-contained HTML document (styles inline, Japanese fonts
 * from the system: Noto Sans CJK JP), A4 landscape, laid out section for section as the form
 * the plan reports on (issue 14): the 進捗評価シート (全体計画 (1)–(5), 自治体SDGs (1)–(4), the
 * overview page 1.–8.), 様式3-3 ((1)–(4)) or the result report (overview page, (1)–(4)).
 * Every section of the form is printed, empty when the plan holds nothing for it; headings are
 * kept with what follows them; table rows never break. Chromium prints it to PDF.
 */
export function SheetView(props: { sheet: ProgressSheet; lang: Lang; toolbar?: SheetToolbar }) {
  const { sheet, lang, toolbar } = props;
  const L = sheetLabels(sheet, lang);
  return (
    <html lang={lang}>
      {documentHead(`${L.sheetTitle} ${L.cityName} ${sheet.year}`, markup`<style>${raw(SHEET_CSS)}</style>`)}
      <body>
        {toolbar ? <Toolbar sheet={sheet} lang={lang} toolbar={toolbar} /> : null}
        <main class="sheet">
          {/* Printed in the PDF too: a year held back shows earlier figures under its heading. */}
          <UnpublishedYearsNote ctx={{ lang, t: (key) => t(lang, key) }} years={sheet.unpublishedYears} />
          {sheet.kind === 'progress' ? <ProgressForm sheet={sheet} lang={lang} L={L} /> : null}
          {sheet.kind === 'summary' ? <PeriodForm sheet={sheet} lang={lang} L={L} /> : null}
          {sheet.kind === 'report' ? (
            <>
              <OverviewPage sheet={sheet} lang={lang} L={L} />
              <PeriodForm sheet={sheet} lang={lang} L={L} />
            </>
          ) : null}
        </main>
      </body>
    </html>
  );
}

/** The yearly 進捗評価シート: 全体計画（2030年のあるべき姿）, 全体計画（自治体ＳＤＧｓ…）, the overview page. */
function ProgressForm(props: { sheet: ProgressSheet; lang: Lang; L: Labels }) {
  const { sheet, lang, L } = props;
  const [vision, sdgs] = [sheet.tables.find((x) => x.role === 'vision'), sheet.tables.find((x) => x.role === 'sdgs')];
  return (
    <>
      <section class="page">
        <Head sheet={sheet} L={L} lang={lang} />
        <h2 class="part">{t(lang, 'sheets.part.vision')}</h2>
        <Section heading={`${L.num(1)}${t(lang, 'sheets.vision.1')}`}>
          <p class="prewrap">{lang === 'en' && sheet.plan.titleEn ? sheet.plan.titleEn : sheet.plan.title}</p>
        </Section>
        <Section heading={`${L.num(2)}${t(lang, 'sheets.vision.2')}`}>
          <p class="prewrap">{sheet.plan.vision ?? ''}</p>
        </Section>
        <Section heading={`${L.num(3)}${t(lang, 'sheets.vision.3')}`}>
          <GoalIcons sheet={sheet} lang={lang} />
        </Section>
        <Section heading={`${L.num(4)}${t(lang, 'sheets.vision.4')}`}>{vision ? <KpiTable sheet={sheet} table={vision} lang={lang} L={L} /> : null}</Section>
        <Section heading={`${L.num(5)}${t(lang, 'sheets.vision.5')}`}>
          <Commentaries rows={vision?.rows ?? []} L={L} />
          <Texts items={sheet.texts['vision-progress']} bullet />
        </Section>
      </section>
      <section class="page">
        <h2 class="part">
          {t(lang, 'sheets.part.sdgs')}
          {lang === 'ja' ? '：' : ', '}
          {L.period.replace(/^/, lang === 'ja' ? '計画期間' : 'plan period ')}
        </h2>
        <Section heading={`${L.num(1)}${t(lang, 'sheets.sdgs.1')}`}>{sdgs ? <KpiTable sheet={sheet} table={sdgs} lang={lang} L={L} /> : null}</Section>
        <Section heading={`${L.num(2)}${t(lang, 'sheets.sdgs.2')}`}>
          <Texts items={sheet.texts['sdgs-cycle']} />
        </Section>
        <Section heading={`${L.num(3)}${t(lang, 'sheets.sdgs.3')}`}>
          <Commentaries rows={sdgs?.rows ?? []} L={L} />
          <Texts items={sheet.texts['sdgs-progress']} bullet />
        </Section>
        <Section heading={`${L.num(4)}${t(lang, 'sheets.expertOf')}`}>
          <Texts items={sheet.texts['progress-expert']} />
        </Section>
      </section>
      <OverviewPage sheet={sheet} lang={lang} L={L} />
    </>
  );
}

/** 様式3-3 and the result report's tables: (1) and (2) with the reflection column, (3) 総括, (4) 有識者. */
function PeriodForm(props: { sheet: ProgressSheet; lang: Lang; L: Labels }) {
  const { sheet, lang, L } = props;
  const [vision, sdgs] = [sheet.tables.find((x) => x.role === 'vision'), sheet.tables.find((x) => x.role === 'sdgs')];
  const expert = sheet.texts['period-expert'] ?? (sheet.kind === 'report' ? sheet.texts['progress-expert'] : undefined);
  const bullets: [NarrativeSection, 'sheets.period.results' | 'sheets.period.problems' | 'sheets.period.outlook'][] = [
    ['period-results', 'sheets.period.results'],
    ['period-problems', 'sheets.period.problems'],
    ['period-outlook', 'sheets.period.outlook'],
  ];
  return (
    <section class="page">
      <Head sheet={sheet} L={L} lang={lang} />
      <Section heading={`${L.num(1)}${t(lang, 'sheets.vision.4')}`}>{vision ? <KpiTable sheet={sheet} table={vision} lang={lang} L={L} /> : null}</Section>
      <Section heading={`${L.num(2)}${t(lang, 'sheets.sdgs.1')}`}>{sdgs ? <KpiTable sheet={sheet} table={sdgs} lang={lang} L={L} /> : null}</Section>
      <Section heading={`${L.num(3)}${L.periodSummary}`}>
        {bullets.map(([at, label]) => {
          const items = sheet.texts[at] ?? [];
          // One text: the form's own heading; several (Tsukuba's 特筆すべき事業内容 and 成果): each its title.
          if (items.length <= 1) {
            return (
              <div class="bullet">
                <h4>●{t(lang, label)}</h4>
                {items.map((n) => (
                  <p class="prewrap">{n.body}</p>
                ))}
              </div>
            );
          }
          return (
            <>
              {items.map((n) => (
                <div class="bullet">
                  <h4>●{n.title}</h4>
                  <p class="prewrap">{n.body}</p>
                </div>
              ))}
            </>
          );
        })}
      </Section>
      <Section heading={`${L.num(4)}${t(lang, 'sheets.expertOf')}`}>
        <Texts items={expert} />
      </Section>
    </section>
  );
}

/** The header of a form: title, 選定年度, the municipality, 作成年月, and the plan. */
function Head(props: { sheet: ProgressSheet; L: Labels; lang: Lang }) {
  const { sheet, L, lang } = props;
  return (
    <header class="sheet-head">
      <h1>{L.sheetTitle}</h1>
      <dl class="head-grid">
        <div>
          <dt>{t(lang, 'sheets.head.city')}</dt>
          <dd>{L.cityName}</dd>
        </div>
        <div>
          <dd>{L.selected}</dd>
        </div>
        <div>
          <dt>{t(lang, 'sheets.head.createdOn')}</dt>
          <dd class="created-on">{L.createdOn}</dd>
        </div>
      </dl>
      {sheet.kind !== 'summary' ? (
        <p class="plan-line">
          <span class="k">{t(lang, 'sheets.head.planName')}</span> {L.planTitle}
        </p>
      ) : null}
      {sheet.kind === 'progress' ? (
        <p class="plan-line">
          <span class="k">{t(lang, 'sheets.head.modelProject')}</span> <span class="prewrap">{L.modelProject}</span>
        </p>
      ) : null}
      {sheet.kind !== 'progress' ? <p class="plan-line">{L.planLine}</p> : null}
    </header>
  );
}

/**
 * The overview page as both seeds print it: its own title (the plan's catchphrase) and the
 * municipality with its 選定年度 — not the sheet's title or 作成年月, which head the form's other
 * pages — then the items 1.–8. in the form's grid (1 | 2; 3; 4 | 6 and 5 | 7, each heading over
 * its text; 8), each printed even when empty; 2. is the goals' icons.
 */
function OverviewPage(props: { sheet: ProgressSheet; lang: Lang; L: Labels }) {
  const { sheet, lang, L } = props;
  const item = (no: number) => sheet.overview.find((o) => o.no === no)?.bodies ?? [];
  const block = (no: number, stacked = false) => (
    <div class={stacked ? 'block stacked' : 'block'} data-item={String(no)}>
      <div class="label">{L.overviewItem(no)}</div>
      <div class="body">{no === 2 ? <GoalIcons sheet={sheet} lang={lang} /> : item(no).map((b) => <p class="prewrap">{b}</p>)}</div>
    </div>
  );
  return (
    <section class="page overview">
      <header class="sheet-head">
        {L.overviewTitle ? <h1 class="overview-title">{L.overviewTitle}</h1> : null}
        <p class="plan-line">{L.overviewCityLine}</p>
      </header>
      {/* The form's grid: 1 | 2 side by side, 3 across, 4 | 6 and 5 | 7 as two columns (heading over text), 8 across. */}
      <div class="items">
        <div class="pair">
          {block(1)}
          {block(2)}
        </div>
        {block(3)}
        <div class="pair">
          {block(4, true)}
          {block(6, true)}
        </div>
        <div class="pair">
          {block(5, true)}
          {block(7, true)}
        </div>
        {block(8)}
      </div>
    </section>
  );
}

function Toolbar(props: { sheet: ProgressSheet; lang: Lang; toolbar: SheetToolbar }) {
  const { sheet, lang, toolbar } = props;
  const q = (extra: Record<string, string>) => {
    const p = new URLSearchParams({ year: String(sheet.year), kind: sheet.kind, ...(lang === 'en' ? { lang: 'en' } : {}), ...extra });
    return `?${p.toString()}`;
  };
  return (
    <nav class="toolbar no-print" aria-label={t(lang, 'sheets.download.heading')}>
      <a href={toolbar.planHref}>← {sheet.plan.title}</a>
      <form method="get" action={toolbar.base}>
        <label>
          {t(lang, 'sheets.year')}{' '}
          <select name="year">
            {toolbar.years.map((y) => (
              <option value={String(y)} selected={y === sheet.year}>
                {y}
              </option>
            ))}
          </select>
        </label>{' '}
        <select name="kind" aria-label={t(lang, 'sheets.download.heading')}>
          {sheetKindsOf(sheet.layout).map((k) => (
            <option value={k} selected={k === sheet.kind}>
              {t(lang, `sheets.download.${k}`)}
            </option>
          ))}
        </select>
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null} <button type="submit">{t(lang, 'sheets.download.view')}</button>
      </form>
      <a href={`${toolbar.base}.xlsx${q({})}`}>{t(lang, 'sheets.download.xlsx')}</a>
      <a href={`${toolbar.base}.pdf${q({})}`}>{t(lang, 'sheets.download.pdf')}</a>
      <a href={`${toolbar.base}.xlsx${q({ purpose: 'reimport' })}`}>{t(lang, 'sheets.xlsx.reimport')}</a>
      {sheet.submittedOn === null ? <span>{t(lang, 'sheets.submittedOn.unset')}</span> : null}
      <a href={`${toolbar.base}${q({ lang: lang === 'ja' ? 'en' : 'ja' })}`}>{lang === 'ja' ? 'English' : '日本語'}</a>
    </nav>
  );
}

/** A numbered section of the form: its heading kept with the start of its content. */
function Section(props: { heading: string; children?: Child }) {
  return (
    <section class="form-section">
      <h3>{props.heading}</h3>
      <div class="form-body">{props.children}</div>
    </section>
  );
}

/** The goals as icons: a tile in the goal's UN colour with its number and short name. */
function GoalIcons(props: { sheet: ProgressSheet; lang: Lang }) {
  const { sheet, lang } = props;
  return (
    <ul class="goal-icons">
      {sheet.priorityGoals.map((g) => (
        <li class="side">
          {g.side !== 'none' ? <span class="side-name">{t(lang, `sheets.side.${g.side}`)}</span> : null}
          {g.goals.map((n) => {
            const goal = findSdgGoal(n);
            return (
              <span class="goal-icon" style={`background:${goal?.colour ?? '#666'}`} role="img" aria-label={`${n} ${goal?.short[lang] ?? ''}`}>
                <b>{n}</b>
                <small>{goal?.short[lang] ?? ''}</small>
              </span>
            );
          })}
        </li>
      ))}
    </ul>
  );
}

/** ●指標N：「name」 and its commentary, for the rows that have one. */
function Commentaries(props: { rows: readonly SheetRow[]; L: Labels }) {
  return (
    <>
      {props.rows
        .filter((r) => r.commentary !== '')
        .map((r) => (
          <div class="comment">
            <h4>●{props.L.rowRef(r)}</h4>
            <p class="prewrap">・　{r.commentary}</p>
          </div>
        ))}
    </>
  );
}

/** Free texts of a section: with ●title when `bullet` (行政内部の推進体制), else the body only. */
function Texts(props: { items: readonly PlanNarrative[] | undefined; bullet?: boolean }) {
  return (
    <>
      {(props.items ?? []).map((n) => (
        <div class="narrative">
          {props.bullet ? <h4>●{n.title}</h4> : null}
          <p class="prewrap">{props.bullet ? `・　${n.body}` : n.body}</p>
        </div>
      ))}
    </>
  );
}

function KpiTable(props: { sheet: ProgressSheet; table: SheetTable; lang: Lang; L: Labels }) {
  const { sheet, table, lang, L } = props;
  const side = L.sideColumn(table);
  const withReflection = sheet.kind !== 'progress';
  const twoCells = sheet.layout === 'result-report';
  const figureHead = (label: string) => (
    <th colspan={twoCells ? 2 : 3} scope="colgroup">
      {label}
    </th>
  );
  // Consecutive rows of one initiative share one 取組名 cell, as the forms print them.
  const span = (i: number) => {
    if (i > 0 && table.rows[i - 1]!.initiative === table.rows[i]!.initiative) return 0;
    let n = 1;
    while (i + n < table.rows.length && table.rows[i + n]!.initiative === table.rows[i]!.initiative) n++;
    return n;
  };
  return (
    <table class="kpis">
      <thead>
        <tr>
          {side ? <th rowspan={twoCells ? 2 : 1}></th> : null}
          <th rowspan={twoCells ? 2 : 1}>{t(lang, 'sheets.col.no')}</th>
          {table.withInitiatives ? <th rowspan={twoCells ? 2 : 1}>{t(lang, 'sheets.col.initiative')}</th> : null}
          <th rowspan={twoCells ? 2 : 1} class="name">
            {L.withTargets(table) ? t(lang, 'sheets.col.name') : t(lang, 'sheets.col.nameShort')}
          </th>
          {figureHead(t(lang, 'sheets.col.baseline'))}
          {table.years.map((y) => figureHead(L.actualHeader(table, y)))}
          {figureHead(L.targetHeader(table))}
          <th rowspan={twoCells ? 2 : 1}>{t(lang, 'sheets.col.rate')}</th>
          {withReflection ? (
            <th rowspan={twoCells ? 2 : 1} class="reflection">
              {L.reflectionHeader}
            </th>
          ) : null}
        </tr>
        {twoCells ? (
          <tr>
            {[...Array(table.years.length + 2).keys()].map(() => (
              <>
                <th>{t(lang, 'sheets.sub.at')}</th>
                <th>{t(lang, 'sheets.sub.figure')}</th>
              </>
            ))}
          </tr>
        ) : null}
      </thead>
      <tbody>
        {table.rows.map((r, i) => (
          <tr data-kpi={r.kpiId}>
            {side ? <td class="c">{t(lang, `sheets.side.${r.side}`)}</td> : null}
            <td class="c">{L.rowNo(table, r)}</td>
            {table.withInitiatives && span(i) > 0 ? (
              <td class="initiative" rowspan={span(i)}>
                {r.initiative}
              </td>
            ) : null}
            <td class="name">{L.withTargets(table) ? nameWithTargets(r) : r.name}</td>
            <Figure f={r.baseline} lang={lang} two={twoCells} />
            {r.actuals.map((a) => (
              <Figure f={a} lang={lang} two={twoCells} />
            ))}
            <Figure f={r.target} lang={lang} two={twoCells} />
            <td class="num rate">{r.rate ? `${formatFixed(r.rate.value, sheet.rateDecimals, lang)}%` : ''}</td>
            {withReflection ? <td class="reflection">{r.reflection}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure(props: { f: SheetFigure | null; lang: Lang; two: boolean }) {
  const { f, lang, two } = props;
  if (two) {
    return (
      <>
        <td class="c at">{f ? sheetTime(f.at, lang) : ''}</td>
        <td class="num">{f ? `${formatFixed(f.value, f.decimals, lang, true)} ${f.unit}` : ''}</td>
      </>
    );
  }
  return (
    <>
      <td class="c at">{f ? sheetTime(f.at, lang) : ''}</td>
      <td class="num">{f ? formatFixed(f.value, f.decimals, lang, true) : ''}</td>
      <td class="unit">{f ? f.unit : ''}</td>
    </>
  );
}

/** A number with its decimals (rounded half up as the sheets do) and, for figures, thousands separators. */
export function formatFixed(value: number, decimals: number, lang: Lang, grouping = false): string {
  return formatDecimal(roundHalfUp(value, decimals), lang, { maxDecimals: decimals, grouping });
}
