import type { Observation } from '../core/kpi/kpi.ts';
import { fillMessage } from '../i18n/fill.ts';
import type { Lang } from '../i18n/lang.ts';
import { t } from '../i18n/messages.ts';

/**
 * The label of an actual typed in to override a partner-platform count (issue 10.3: "an explicit
 * override with a reason, shown as such"), in `lang` from the message catalogs:
 * 「手入力（自動集計を上書き）：reason」, with the source the person gave appended when there is one.
 * Null for every other actual. Used by the public and staff pages, the embed table, the API and
 * the CSV/open-data downloads, so each says the same.
 */
export function overrideLabel(o: Pick<Observation, 'platformOverride' | 'source'>, lang: Lang): string | null {
  if (o.platformOverride === undefined) return null;
  const source = o.source?.trim();
  return source
    ? fillMessage(t(lang, 'actual.override.labelWithSource'), { reason: o.platformOverride, source })
    : fillMessage(t(lang, 'actual.override.label'), { reason: o.platformOverride });
}

/**
 * The source to print for an actual (`lang`): the override label for a value replacing a
 * platform count (it names its own source inside), else the source as stored, else null.
 */
export function observationSource(o: Pick<Observation, 'platformOverride' | 'source'>, lang: Lang): string | null {
  return overrideLabel(o, lang) ?? o.source ?? null;
}
