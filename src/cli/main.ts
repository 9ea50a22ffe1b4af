import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { parseLang } from '../i18n/lang.ts';
import { checkCommand } from './check.command.ts';
import { cityCreateCommand } from './city.command.ts';
import { importCommand } from './import.command.ts';
import { initCommand } from './init.command.ts';
import { observationImportCommand, templateCommand } from './observation-import.command.ts';
import { plansCommand, reportCommand } from './report.command.ts';
import { nextPeriodCommand, planImportCommand } from './plan-period.command.ts';
import { serveCommand } from './serve.command.ts';
import { planDiffCommand } from './plan.command.ts';
import { UserError } from './user-error.ts';
import { NotFoundError } from '../core/not-found.ts';

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
  michishirube plan next-period CITY PLAN --id NEW --from YEAR --to YEAR --kpis KPI,KPI [--target KPI=TIME:VALUE]… [--title T] [--json]
                                             start the next period of PLAN: same tree, the KPIs
                                             carried over, new targets recorded as revisions
  michishirube plan import FILE.xlsx|FILE.csv --city CITY [--plan PLAN] [--dry-run] [--json]
                                             import a KPI table (a progress sheet's table or the
                                             KPI-list template): plan, KPIs, figures, rates
  michishirube template CITY --out FILE.csv|FILE.xlsx
                                             the import template (one row per actual)
  michishirube city create ID --name NAME --name-en NAME --prefecture PREF --code CODE
                     [--fiscal-year-start MONTH] [--admin USER] [--admin-name NAME] [--admin-email E] [--lang en]
                                             create a city (CODE: the 6-digit 全国地方公共団体コード,
                                             check digit validated) and its first administrator;
                                             prints the administrator's log-in and one-time password;
                                             refusals in Japanese (--lang en: English)
  michishirube plan diff CITY PLAN --from VERSION --to VERSION --out FILE.xlsx|FILE.docx
                                             the 新旧対照表 (old / new comparison) of two recorded
                                             versions of a plan (1 = its 策定)
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
        name: { type: 'string' },
        'name-en': { type: 'string' },
        prefecture: { type: 'string' },
        code: { type: 'string' },
        'fiscal-year-start': { type: 'string' },
        admin: { type: 'string' },
        'admin-name': { type: 'string' },
        'admin-email': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        id: { type: 'string' },
        kpis: { type: 'string' },
        target: { type: 'string', multiple: true },
        title: { type: 'string' },
        plan: { type: 'string' },
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
      case 'plan': {
        const [sub, ...args] = rest;
        if (sub === 'next-period') {
          return await nextPeriodCommand(need(args[0], 'plan next-period needs a CITY'), need(args[1], 'plan next-period needs the current PLAN'), { id: values.id, from: values.from, to: values.to, kpis: values.kpis, target: values.target, title: values.title, json: values.json }, loadConfig(), out);
        }
        if (sub === 'import') {
          return await planImportCommand(need(args[0], 'plan import needs a FILE'), { city: values.city, plan: values.plan, dryRun: values['dry-run'], json: values.json }, loadConfig(), out);
        }
        if (sub === 'diff') {
          return await planDiffCommand(need(args[0], 'plan diff needs a CITY'), need(args[1], 'plan diff needs a PLAN'), { from: values.from, to: values.to, out: values.out, lang }, loadConfig(), out);
        }
        throw new UserError(`unknown "plan ${sub ?? ''}"; expected plan next-period, plan import or plan diff`);
      }
      case 'template':
        return await templateCommand(need(rest[0] ?? values.city, 'template needs a CITY'), values.out, loadConfig(), out);
      case 'city': {
        if (rest[0] !== 'create') throw new UserError('usage: michishirube city create ID --name NAME --name-en NAME --prefecture PREF --code 6-DIGIT-CODE');
        const id = need(rest[1], 'city create needs an ID (e.g. ichinoseki)');
        if (rest.length > 2) throw new UserError(`city create: unexpected argument "${rest[2]}"`);
        return await cityCreateCommand(
          id,
          { name: values.name, nameEn: values['name-en'], prefecture: values.prefecture, code: values.code, fiscalYearStart: values['fiscal-year-start'], admin: values.admin, adminName: values['admin-name'], adminEmail: values['admin-email'] },
          loadConfig(),
          out,
          lang,
        );
      }
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
    if (e instanceof ConfigError || e instanceof NotFoundError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
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
