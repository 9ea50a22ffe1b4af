import type { FieldProblem } from '../../../staff/staff-entry.service.ts';
import type { ViewContext } from '../view-context.ts';

/** A field problem as a message in the page's language (the notation parser's own bilingual message for notations). */
export function problemText(ctx: ViewContext, p: FieldProblem): string {
  switch (p.kind) {
    case 'notation':
      return ctx.lang === 'ja' ? p.error.messageJa : p.error.message;
    case 'message':
      return p.message[ctx.lang];
    case 'required':
      return ctx.t('staff.form.error.required');
    case 'too-long':
      return ctx.t('staff.form.error.tooLong');
    case 'reason-required':
      return ctx.t('staff.actual.error.reasonRequired');
    case 'not-a-date':
      return ctx.lang === 'ja' ? `${ctx.t('staff.form.error.notADate')}（${ctx.t('staff.target.revisedOnHint')}）` : `${ctx.t('staff.form.error.notADate')} (${ctx.t('staff.target.revisedOnHint')})`;
    case 'missing-version':
      return ctx.t('staff.form.error.missingVersion');
    case 'direction-required':
      return ctx.t('kpi.direction.error.required');
    case 'unknown-department':
      return ctx.t('staff.users.error.unknown-department');
    case 'invalid':
    case 'unknown-target':
      return ctx.t('staff.form.error.invalid');
  }
}

/** Every field problem as messages, by field. */
export function problemTexts(ctx: ViewContext, problems: Readonly<Record<string, FieldProblem>>): Record<string, string> {
  return Object.fromEntries(Object.entries(problems).map(([k, p]) => [k, problemText(ctx, p)]));
}
