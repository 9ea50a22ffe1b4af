import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config.ts';
import { formatTimePointJa } from '../core/time/time-point.ts';
import { templateCsv } from '../formats/csv/observation-rows.ts';
import { observationTemplateXlsx } from '../formats/xlsx/observation-template.xlsx.ts';
import { openForCommand, unknownCityError } from './command-context.ts';
import {
  commitObservationImport,
  describeImportFileError,
  importPreviewJson,
  previewObservationImport,
  problemPlace,
  templateExamples,
  type ImportFileError,
  type ImportPreview,
} from '../actuals/observation-import.service.ts';
import { UserError } from './user-error.ts';

/**
 * `michishirube import FILE.xlsx|FILE.csv|FILE.txt [--city CITY] [--dry-run] [--json]`: imports
 * actuals. The preview lists every problem (row, column, raw value, what is wrong); with problems
 * nothing is written and the exit code is 2. `--dry-run` prints the preview and writes nothing.
 * `--json` prints the preview as one JSON object `{ rows, problems }` (see importPreviewJson),
 * the same rows and problems the web preview shows.
 */
export async function observationImportCommand(file: string, options: { city?: string | undefined; dryRun: boolean; json?: boolean }, config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openForCommand(config);
  try {
    const input = { path: file, name: basename(file), ...(options.city ? { cityId: options.city } : {}) };
    const refused = (e: ImportFileError) => new UserError(`${file}: ${describeImportFileError(e).en}; nothing was imported`);
    let preview: ImportPreview;
    if (options.dryRun) {
      const result = await previewObservationImport(ctx.db, input);
      if (!result.ok) throw refused(result.error);
      preview = result.value;
    } else {
      const result = await commitObservationImport(ctx.db, input, { actor: 'cli', reason: `import ${basename(file)}` });
      if (result.ok) preview = result.value.preview;
      else if (result.error.kind === 'file') throw refused(result.error.file);
      // Rows with problems wrote nothing: the preview lists them (below, or as JSON).
      else preview = result.error.preview;
    }
    if (options.json) {
      // Written: running servers stop reading the city's summaries before the answer is printed.
      if (preview.problems.length === 0 && !options.dryRun) {
        ctx.store.invalidate(preview.cityId);
        await ctx.store.revisionsBumped();
      }
      out(JSON.stringify(importPreviewJson(preview)));
      return preview.problems.length > 0 ? 2 : 0;
    }
    printPreview(preview, out);
    if (preview.problems.length > 0) throw new UserError(`${file}: ${preview.problems.length} problem(s); nothing was imported`);
    if (options.dryRun) {
      out(`dry run: nothing was written`);
      return 0;
    }
    ctx.store.invalidate(preview.cityId);
    await ctx.store.revisionsBumped();
    out(`imported ${preview.changes.length} actual(s) into ${preview.cityId}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

function printPreview(p: ImportPreview, out: (s: string) => void): void {
  out(`${p.cityId}: ${p.format}${p.encoding ? ` (${p.encoding})` : ''}, ${p.rows} row(s): ${p.changes.filter((c) => c.kind === 'new').length} new, ${p.changes.filter((c) => c.kind === 'correct').length} correction(s), ${p.unchanged} unchanged, ${p.problems.length} problem(s)`);
  for (const pr of p.problems) out(`problem\t${problemPlace(pr)}\t${JSON.stringify(pr.raw)}\t${pr.kind}\t${pr.message.ja} / ${pr.message.en}`);
  for (const c of p.changes.slice(0, 200)) out(`${c.kind}\t${c.kpiId}\t${formatTimePointJa(c.at)}\t${c.before ?? ''}\t→ ${c.value} ${c.unit}`);
  if (p.changes.length > 200) out(`… and ${p.changes.length - 200} more change(s)`);
  for (const r of p.results.filter((x) => x.action === 'skipped')) out(`skipped\t${r.sheet ? `${r.sheet}!` : ''}${r.row}\t${r.kpiId ?? ''}\t${r.notes.map((n) => n.ja).join(' ')}`);
  const noted = p.results.filter((x) => x.action !== 'skipped' && x.notes.length > 0);
  for (const r of noted.slice(0, 200)) out(`note\t${r.sheet ? `${r.sheet}!` : ''}${r.row}\t${r.kpiId ?? ''}\t${r.notes.map((n) => n.ja).join(' ')}`);
}

/** `michishirube template CITY --out FILE.csv|FILE.xlsx`: the import template with a row per KPI of the city. */
export async function templateCommand(cityId: string, outFile: string | undefined, config: Config, out: (s: string) => void): Promise<number> {
  if (!outFile || !/\.(csv|xlsx)$/i.test(outFile)) throw new UserError('template needs --out FILE.csv or --out FILE.xlsx');
  const ctx = await openForCommand(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw await unknownCityError(ctx, cityId);
    const examples = templateExamples(data);
    if (outFile.toLowerCase().endsWith('.csv')) {
      await writeFile(outFile, templateCsv(examples.map((e) => ({ ...e, at: formatTimePointJa(e.at), value: e.value.toFixed(e.decimals) }))));
    } else {
      await writeFile(outFile, await observationTemplateXlsx(examples.map((e) => ({ ...e, at: formatTimePointJa(e.at) }))));
    }
    out(`wrote ${outFile}: the import template with ${examples.length} example row(s)`);
    return 0;
  } finally {
    await ctx.close();
  }
}
