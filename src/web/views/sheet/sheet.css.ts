/**
 * Styles of the sheet's print view, inlined in the page so the PDF needs nothing else: A4
 * landscape, Japanese fonts installed with Debian's fonts-noto-cjk, table headers repeated on
 * each page and rows never split across pages.
 */
export const SHEET_CSS = `
@page { size: A4 landscape; margin: 10mm 10mm 14mm 10mm; }
:root { font-family: 'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif; color: #111; font-size: 9.5pt; line-height: 1.45; }
body { margin: 0; background: #fff; }
.sheet { max-width: 277mm; margin: 0 auto; padding: 4mm 0; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }
.sheet-head { display: grid; grid-template-columns: 1fr auto; gap: 1mm 4mm; border-bottom: 2px solid #0b5394; padding-bottom: 2mm; }
.sheet-head .city { margin: 0; font-weight: 700; text-align: right; }
.sheet-head .plan { grid-column: 1 / 3; margin: 0; font-weight: 700; }
.sheet-head .meta { grid-column: 1 / 3; margin: 0; color: #444; font-size: 8.5pt; }
.block { display: grid; grid-template-columns: 48mm 1fr; border: 1px solid #888; border-top: none; break-inside: avoid; }
.overview .block:first-child { border-top: 1px solid #888; margin-top: 3mm; }
.block .label { background: #e8eef6; padding: 1.5mm 2mm; font-weight: 700; border-right: 1px solid #888; }
.block .body { padding: 1.5mm 2mm; white-space: pre-wrap; }
.goals { margin: 0; padding-left: 0; list-style: none; }
.goal { display: inline-block; border-left: 4px solid #999; padding: 0 2mm; margin: 0 1mm .5mm 0; }
.small { font-size: 8pt; color: #444; margin: 1mm 0 0; }
table.kpis { width: 100%; border-collapse: collapse; table-layout: auto; }
table.kpis thead { display: table-header-group; }
table.kpis tr { break-inside: avoid; page-break-inside: avoid; }
table.kpis th, table.kpis td { border: 1px solid #777; padding: 1mm 1.2mm; vertical-align: middle; }
table.kpis th { background: #e8eef6; font-weight: 700; text-align: center; font-size: 8.5pt; white-space: pre-line; }
table.kpis td.name, table.kpis td.initiative, table.kpis td.reflection { white-space: pre-line; vertical-align: top; }
table.kpis td.name { min-width: 42mm; }
table.kpis td.reflection { min-width: 50mm; font-size: 8.5pt; }
table.kpis td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.kpis td.c { text-align: center; white-space: nowrap; }
table.kpis td.unit { white-space: nowrap; }
table.kpis td.rate { font-weight: 700; }
.notes, .commentary, .narratives { break-inside: auto; }
.notes p { margin: .5mm 0; font-size: 8.5pt; }
.comment, .narrative { break-inside: avoid; border: 1px solid #bbb; padding: 1mm 2mm; margin: 0 0 1.5mm; }
.comment p, .narrative p { margin: .5mm 0; }
.prewrap { white-space: pre-wrap; }
.toolbar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #f5f6f8; border-bottom: 3px solid #0b5394; font-family: sans-serif; font-size: 11pt; }
.toolbar a { color: #0b5394; }
.toolbar a:focus-visible, .toolbar button:focus-visible, .toolbar select:focus-visible { outline: 3px solid #e37400; outline-offset: 2px; }
@media screen { .sheet { padding: 6mm 4mm; } }
@media print { .no-print { display: none !important; } }
`;
