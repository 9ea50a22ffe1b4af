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
.sheet-head { border-bottom: 2px solid #0b5394; padding-bottom: 2mm; margin-bottom: 2mm; }
.block { display: grid; grid-template-columns: 48mm 1fr; border: 1px solid #888; border-top: none; break-inside: avoid; }
.overview .items { margin-top: 3mm; border-top: 1px solid #888; }
.overview .block { grid-template-columns: 34mm 1fr; min-height: 10mm; }
.overview .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); break-inside: avoid; }
.overview .goal-icons .side { flex-wrap: wrap; }
.overview .goal-icon { width: 14mm; height: 14mm; }
.overview .goal-icon small { font-size: 5pt; }
.overview .pair > .block + .block { border-left: none; }
.overview .block.stacked { grid-template-columns: 1fr; grid-template-rows: auto 1fr; }
.overview .block.stacked .label { border-right: none; border-bottom: 1px solid #888; }
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
.page { break-after: page; }
.page:last-child { break-after: auto; }
h2.part { font-size: 12pt; margin: 3mm 0 2mm; border-bottom: 1px solid #0b5394; }
h4 { font-size: 9.5pt; margin: 1.5mm 0 .5mm; break-after: avoid; }
.form-section { margin: 0 0 3mm; }
.form-section > h3 { break-after: avoid; page-break-after: avoid; }
.form-section > .form-body { min-height: 8mm; border: 1px solid #888; padding: 1.5mm 2mm; }
.form-section > .form-body:has(> table:only-child) { border: none; padding: 0; }
.head-grid { display: flex; gap: 6mm; margin: 1mm 0; }
.head-grid div { display: flex; gap: 2mm; }
.head-grid dt { font-weight: 700; }
.head-grid dd { margin: 0; min-width: 20mm; }
.plan-line { margin: 1mm 0; font-weight: 700; }
.plan-line .k { font-weight: 400; color: #333; margin-right: 2mm; }
.vision { margin: 1mm 0; font-size: 12pt; font-weight: 700; }
.goal-icons { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 3mm; }
.goal-icons .side { display: flex; gap: 1mm; align-items: center; }
.goal-icons .side-name { font-weight: 700; margin-right: 1mm; }
.goal-icon { display: inline-flex; flex-direction: column; justify-content: center; width: 17mm; height: 17mm; color: #fff; padding: 1mm; box-sizing: border-box; line-height: 1.1; }
.goal-icon b { font-size: 12pt; }
.goal-icon small { font-size: 6pt; }
.bullet { break-inside: avoid; }
.toolbar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #f5f6f8; border-bottom: 3px solid #0b5394; font-family: sans-serif; font-size: 11pt; }
.toolbar a { color: #0b5394; }
.toolbar a:focus-visible, .toolbar button:focus-visible, .toolbar select:focus-visible { outline: 3px solid #e37400; outline-offset: 2px; }
.unpublished-years { border: 1px solid #000; padding: 1.5mm 2mm; margin: 0 0 3mm; font-weight: bold; }
@media screen { .sheet { padding: 6mm 4mm; } }
@media print { .no-print { display: none !important; } }
`;
