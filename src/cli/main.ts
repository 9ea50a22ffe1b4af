import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { parseLang } from '../i18n/lang.ts';
import { checkCommand } from './check.command.ts';
import { importCommand } from './import.command.ts';
import { plansCommand, reportCommand } from './report.command.ts';
import { serveCommand } from './serve.command.ts';
import { UserError } from './user-error.ts';

const USAGE = `michishirube — plans, SDGs and KPIs of a municipality

Usage:
  michishirube serve                         serve the web app (PORT, DATA_DIR, DATABASE_URL)
  michishirube check FILE [--json] [--lang en]
                                             recompute the published rates of a CSV of KPI rows
  michishirube report CITY [PLAN] [--json] [--lang en]
                                             a plan's KPI table with rates, status and forecast
  michishirube plans CITY                    list a city's plans (id, then title)
  michishirube import FILE                   load a plan data file (the format of data/seeds/)
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
        return await reportCommand(need(rest[0], 'report needs a CITY (ichinoseki, tsukuba, kanazawa)'), rest[1], { json: values.json, lang }, loadConfig(), out);
      case 'plans':
        return await plansCommand(need(rest[0], 'plans needs a CITY'), loadConfig(), out);
      case 'import':
        return await importCommand(need(rest[0], 'import needs a FILE'), loadConfig(), out);
      case 'serve':
        return await serveCommand(loadConfig(), out);
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
