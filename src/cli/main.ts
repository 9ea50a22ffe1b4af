import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { parseLang } from '../i18n/lang.ts';
import { checkCommand } from './check.command.ts';
import { importCommand } from './import.command.ts';
import { initCommand } from './init.command.ts';
import { observationImportCommand, templateCommand } from './observation-import.command.ts';
import { plansCommand, reportCommand } from './report.command.ts';
import { serveCommand } from './serve.command.ts';
import { UserError } from './user-error.ts';

const USAGE = `michishirube — plans, SDGs and KPIs of a municipality

Usage:
  michishirube serve                         serve the web app (PORT, DATA_DIR, DATABASE_URL)
  michishirube init                          create the database, load the seed cities and print
                                             the administrator's one-time password (serve does
                                             this on its first start; other commands never seed)
  michishirube check FILE [--json] [--lang en]
                                             recompute the published rates of a CSV of KPI rows
  michishirube report CITY [PLAN] [--json] [--lang en]
                                             a plan's KPI table with rates, status and forecast
  michishirube report CITY PLAN --format xlsx|pdf|html [--year Y] [--sheet progress|summary|report] [--lang en] --out FILE
                                             the progress evaluation sheet (or 様式3-3) of a year
  michishirube plans CITY                    list a city's plans (id, then title)
  michishirube import FILE                   load a plan data file (the format of data/seeds/)
  michishirube import FILE.xlsx|FILE.csv|FILE.txt [--city CITY] [--dry-run] [--json]
                                             import actuals (exported sheet, template, CSV or
                                             tab-separated text); --dry-run prints the preview and
                                             writes nothing; --json prints it as { rows, problems }
  michishirube template CITY --out FILE.csv|FILE.xlsx
                                             the import template (one row per actual)
  michishirube help                          this text

Exit codes: 0 ok; 1 a published rate is unexplained; 2 bad input or usage.`;

/** Runs the CLI; returns the exit code. User mistakes print one line on stderr, never a stack. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n'), err: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        format: { type: 'string' },
        year: { type: 'string' },
        sheet: { type: 'string' },
        out: { type: 'string' },
        city: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    const [command, ...rest] = positionals;
    const lang = parseLang(values.lang);
    if (values.help || !command || command === 'help') {
      out(USAGE);
      return command || values.help ? 0 : 2;
    }
    switch (command) {
      case 'check':
        return await checkCommand(need(rest[0], 'check needs a FILE'), { json: values.json, lang }, out);
      case 'report':
        return await reportCommand(need(rest[0], 'report needs a CITY (ichinoseki, tsukuba, kanazawa)'), rest[1], { json: values.json, lang, format: values.format, year: values.year, sheet: values.sheet, out: values.out }, loadConfig(), out);
      case 'plans':
        return await plansCommand(need(rest[0], 'plans needs a CITY'), loadConfig(), out);
      case 'import': {
        // By file type: .json is plan data; .xlsx and .csv are actuals (exported sheet, template, CSV).
        const file = need(rest[0], 'import needs a FILE');
        if (/\.json$/i.test(file)) {
          if (values['dry-run']) throw new UserError('--dry-run is for .xlsx and .csv imports');
          return await importCommand(file, loadConfig(), out);
        }
        return await observationImportCommand(file, { city: values.city, dryRun: values['dry-run'], json: values.json }, loadConfig(), out);
      }
      case 'template':
        return await templateCommand(need(rest[0] ?? values.city, 'template needs a CITY'), values.out, loadConfig(), out);
      case 'serve':
        return await serveCommand(loadConfig(), out);
      case 'init':
        return await initCommand(loadConfig(), out);
      default:
        throw new UserError(`unknown command "${command}"; run "michishirube help"`);
    }
  } catch (e) {
    if (e instanceof UserError) {
      err(`michishirube: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ConfigError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`michishirube: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function need(value: string | undefined, message: string): string {
  if (!value) throw new UserError(message);
  return value;
}
