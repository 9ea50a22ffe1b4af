import { ONE_TIME_PASSWORD_HOURS } from '../auth/password.ts';
import { createCity } from '../cities/city-create.command.ts';
import { cityErrorsLine, type CityCreateInput } from '../cities/city-input.ts';
import type { Config } from '../config.ts';
import type { Lang } from '../i18n/lang.ts';
import { openForCommand } from './command-context.ts';
import { UserError } from './user-error.ts';

/** The options of `michishirube city create`. */
export interface CityCreateOptions {
  readonly name?: string | undefined;
  readonly nameEn?: string | undefined;
  readonly prefecture?: string | undefined;
  readonly code?: string | undefined;
  readonly fiscalYearStart?: string | undefined;
  readonly admin?: string | undefined;
  readonly adminName?: string | undefined;
  readonly adminEmail?: string | undefined;
}

/**
 * `michishirube city create ID --name NAME --name-en NAME --prefecture PREF --code CODE`: creates
 * a city and its first administrator through the same command as the staff page, and prints the
 * administrator's log-in and one-time password (once; it must be changed at first log-in). A
 * wrong check digit, a taken id, code or user name exit 2 with one line naming the option, in
 * the language of `--lang` (Japanese by default, as every CLI report; the message catalog).
 */
export async function cityCreateCommand(id: string, options: CityCreateOptions, config: Config, out: (s: string) => void, lang: Lang = 'ja'): Promise<number> {
  const input: CityCreateInput = {
    id,
    name: options.name ?? '',
    nameEn: options.nameEn ?? '',
    prefecture: options.prefecture ?? '',
    code: options.code ?? '',
    fiscalYearStartMonth: options.fiscalYearStart,
    adminUsername: options.admin,
    adminDisplayName: options.adminName,
    adminEmail: options.adminEmail,
  };
  const ctx = await openForCommand(config);
  try {
    const r = await createCity({ db: ctx.db, store: ctx.store, creator: { kind: 'cli' }, input });
    if (!r.ok) throw new UserError(`city create: ${r.errors ? cityErrorsLine(r.errors, input, lang) : 'not allowed'}`);
    await ctx.store.settled();
    const c = r.value.city;
    out(`created city ${c.id}: ${c.name} (${c.nameEn}), ${c.prefecture}, code ${c.localGovernmentCode}, fiscal year from month ${c.fiscalYearStartMonth}`);
    out(`administrator: ${r.value.admin.username}`);
    out(`one-time password: ${r.value.admin.password}`);
    out(`(shown once; valid ${ONE_TIME_PASSWORD_HOURS} hours; it must be changed at the first log-in at /staff/login)`);
    return 0;
  } finally {
    await ctx.close();
  }
}
