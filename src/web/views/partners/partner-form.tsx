import type { MessageKey } from '../../../i18n/messages.ts';
import { HONEYPOT_FIELD, type FieldErrors as CodeErrors } from '../../../partners/application.ts';
import { RESOURCE_CATEGORIES, type Programme } from '../../../partners/programme.ts';
import { findSdgGoal, sdgGoals } from '../../../core/sdg/sdg-framework.ts';
import { SelectField, TextArea, TextField } from '../staff/form.tsx';
import type { ViewContext } from '../view-context.ts';
import { localized } from '../view-context.ts';
import { fillText, resourceLabel, typeLabel } from './partner-parts.tsx';

/** The application / profile form. Values are what the user typed, so a refused form keeps its input. */

/** Posted values: single fields as strings, the goal checkboxes as a list. */
export interface FormState {
  readonly values: Readonly<Record<string, string>>;
  readonly goals: readonly number[];
  readonly errors: CodeErrors;
  /** Errors not tied to one field (password, rate limit). */
  readonly formError?: string;
}

export const emptyForm: FormState = { values: {}, goals: [], errors: {} };

/** The field errors as messages. */
export function errorMessages(ctx: ViewContext, errors: CodeErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, code]) => [k, ctx.t(`partners.error.${code}` as MessageKey)]));
}

/** The list of errors at the top of the form, each linking to its field. */
export function ErrorList(props: { ctx: ViewContext; state: FormState }) {
  const messages = errorMessages(props.ctx, props.state.errors);
  const entries = Object.entries(messages);
  if (entries.length === 0 && !props.state.formError) return null;
  return (
    <div class="pt-errors" role="alert" tabindex={-1} id="form-errors">
      <h2>{props.ctx.t('partners.form.errorSummary')}</h2>
      <ul>
        {props.state.formError ? <li>{props.state.formError}</li> : null}
        {entries.map(([k, m]) => (
          <li>
            <a href={`#f-${k}`}>{m}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The profile part (and, when `withContact`, the private contact part) of the form. */
export function ProfileFields(props: { ctx: ViewContext; programme: Programme; state: FormState; withContact: boolean }) {
  const { ctx, programme, state } = props;
  const c = programme.config;
  const errors = errorMessages(ctx, state.errors);
  const v = state.values;
  return (
    <>
      <SelectField ctx={ctx} name="memberType" label={ctx.t('partners.form.memberType')} values={v} errors={errors} required options={c.memberTypes.map((t) => ({ value: t, label: typeLabel(ctx, t) }))} />
      <TextField ctx={ctx} name="name" label={ctx.t('partners.form.name')} values={v} errors={errors} required autocomplete="organization" />
      <TextField ctx={ctx} name="nameKana" label={ctx.t('partners.form.nameKana')} values={v} errors={errors} required />
      {props.withContact ? (
        <>
          <TextField ctx={ctx} name="representative" label={ctx.t('partners.form.representative')} values={v} errors={errors} required autocomplete="name" />
          <TextField ctx={ctx} name="email" type="email" label={ctx.t('partners.form.email')} values={v} errors={errors} required autocomplete="email" />
          <TextField ctx={ctx} name="phone" label={ctx.t('partners.form.phone')} values={v} errors={errors} autocomplete="tel" inputmode="numeric" />
        </>
      ) : null}
      <SelectField ctx={ctx} name="area" label={ctx.t('partners.form.area')} values={v} errors={errors} required options={c.areas.map((a) => ({ value: a, label: a }))} />
      <TextField ctx={ctx} name="website" label={ctx.t('partners.form.website')} values={v} errors={errors} autocomplete="url" />
      <fieldset id="f-goals" aria-describedby="goals-hint">
        <legend>{ctx.t('partners.form.goalsLegend')}</legend>
        <p class="hint" id="goals-hint">
          {ctx.t('partners.form.goalsHint')}
        </p>
        {errors.goals ? <p class="error-message">{errors.goals}</p> : null}
        {sdgGoals.map((g) => {
          const n = g.number;
          const name = `declaration_${n}`;
          return (
            // The declaration field opens under its goal once the goal is ticked (CSS :has, no script needed;
            // a browser without :has shows every field). A ticked goal's field is in the tab order right after it.
            <div class="pt-goal-row">
              <div class="pt-check">
                <input type="checkbox" id={`f-goal-${n}`} name="goals" value={String(n)} checked={state.goals.includes(n)} aria-controls={`f-${name}`} />
                <label for={`f-goal-${n}`}>
                  {n}. {ctx.lang === 'en' ? g.short.en : g.short.ja}
                </label>
              </div>
              <div class="pt-declaration">
                <TextArea ctx={ctx} name={name} rows={2} label={fillText(ctx.t('partners.form.declarationFor'), { goal: n })} values={v} errors={errors} />
              </div>
            </div>
          );
        })}
      </fieldset>
      {(['offer', 'seek'] as const).map((kind) => (
        <fieldset>
          <legend>{ctx.t(kind === 'offer' ? 'partners.form.offersLegend' : 'partners.form.seeksLegend')}</legend>
          <p class="hint">{ctx.t('partners.form.resourceHint')}</p>
          {RESOURCE_CATEGORIES.map((cat) => (
            <TextField ctx={ctx} name={`${kind}_${cat}`} label={resourceLabel(ctx, cat)} values={v} errors={errors} />
          ))}
        </fieldset>
      ))}
      {c.levels.length > 0 ? (
        <fieldset>
          <legend>{ctx.t('partners.levels')}</legend>
          <SelectField
            ctx={ctx}
            name="levelId"
            label={ctx.t('partners.form.level')}
            values={v}
            errors={errors}
            options={[{ value: '', label: ctx.t('partners.form.levelNone') }, ...c.levels.map((l) => ({ value: l.id, label: localized(ctx, l.name, l.nameEn) }))]}
          />
          {c.selfCheck.length > 0 ? (
            <>
              <p class="hint">{ctx.t('partners.selfCheckLead')}</p>
              {c.selfCheck.map((q) => (
                <div class="pt-check">
                  <input type="checkbox" id={`f-selfcheck_${q.id}`} name={`selfcheck_${q.id}`} value="yes" checked={v[`selfcheck_${q.id}`] === 'yes'} />
                  <label for={`f-selfcheck_${q.id}`}>{localized(ctx, q.ja, q.en)}</label>
                </div>
              ))}
            </>
          ) : null}
        </fieldset>
      ) : null}
    </>
  );
}

/** A checkbox with its label and error. */
export function Check(props: { ctx: ViewContext; name: string; label: string; checked: boolean; error?: string | undefined }) {
  return (
    <div class="field">
      {props.error ? (
        <p class="error-message" id={`f-${props.name}-error`}>
          {props.error}
        </p>
      ) : null}
      <div class="pt-check">
        <input type="checkbox" id={`f-${props.name}`} name={props.name} checked={props.checked} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `f-${props.name}-error` : undefined} />
        <label for={`f-${props.name}`}>{props.label}</label>
      </div>
    </div>
  );
}

/** The honeypot: off-screen for people (with a label saying to leave it empty), filled by bots. */
export function Honeypot(props: { ctx: ViewContext }) {
  return (
    <div class="pt-trap">
      <label for={`f-${HONEYPOT_FIELD}`}>{props.ctx.t('partners.form.honeypot')}</label>
      <input type="text" id={`f-${HONEYPOT_FIELD}`} name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" value="" />
    </div>
  );
}

/** The goal's display name. */
export function goalName(ctx: ViewContext, n: number): string {
  const g = findSdgGoal(n);
  return g ? (ctx.lang === 'en' ? g.short.en : g.short.ja) : String(n);
}
