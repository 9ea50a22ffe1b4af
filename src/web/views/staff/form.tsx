import type { Child } from 'hono/jsx';
import { fill, sep } from './staff-layout.tsx';
import type { ViewContext } from '../view-context.ts';

/**
 * Accessible form parts: every field has a visible label, an optional hint, and when invalid an
 * error message next to it, tied by aria-describedby, with aria-invalid; the form starts with an
 * error summary linking to each invalid field (GOV.UK / デジタル庁 design-system pattern).
 */

/** Field errors of a submitted form: field name → message (already translated). */
export type FieldErrors = Readonly<Record<string, string>>;

/** The values a form is (re)rendered with: what the user typed is kept on error. */
export type FormValues = Readonly<Record<string, string>>;

/** The summary at the top of an invalid form: a heading and links to the invalid fields. */
export function ErrorSummary(props: { ctx: ViewContext; errors: FieldErrors; labels: Readonly<Record<string, string>>; formId?: string }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
      <h2 id="error-summary-title">{props.ctx.t('staff.form.errorSummary')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${fieldId(field, props.formId)}`}>
              {props.labels[field] ? `${props.labels[field]}${sep(props.ctx)}` : ''}
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The id of a field's control (`f-<form>-<name>`), so summary links and labels agree. */
export function fieldId(name: string, formId?: string): string {
  return formId ? `f-${formId}-${name}` : `f-${name}`;
}

interface FieldProps {
  ctx: ViewContext;
  name: string;
  label: string;
  values: FormValues;
  errors: FieldErrors;
  hint?: string | undefined;
  required?: boolean;
  formId?: string;
}

function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function FieldFrame(props: FieldProps & { id: string; children: Child }) {
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={props.id}>
        {props.label}
        {props.required ? <span class="required">{props.ctx.lang === 'ja' ? `（${props.ctx.t('staff.form.required')}）` : ` (${props.ctx.t('staff.form.required')})`}</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error-message" id={`${props.id}-error`}>
          {error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

/** A one-line text input. */
export function TextField(props: FieldProps & { type?: 'text' | 'password' | 'email' | 'date'; autocomplete?: string; inputmode?: 'text' | 'decimal' | 'numeric'; size?: number }) {
  const id = fieldId(props.name, props.formId);
  const error = props.errors[props.name] !== undefined;
  return (
    <FieldFrame {...props} id={id}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? '' : (props.values[props.name] ?? '')}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), error)}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        size={props.size}
      />
    </FieldFrame>
  );
}

/** A multi-line text input. */
export function TextArea(props: FieldProps & { rows?: number }) {
  const id = fieldId(props.name, props.formId);
  const error = props.errors[props.name] !== undefined;
  return (
    <FieldFrame {...props} id={id}>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), error)}
      >
        {props.values[props.name] ?? ''}
      </textarea>
    </FieldFrame>
  );
}

/** A drop-down list. */
export function SelectField(props: FieldProps & { options: readonly { value: string; label: string }[] }) {
  const id = fieldId(props.name, props.formId);
  const error = props.errors[props.name] !== undefined;
  const current = props.values[props.name] ?? '';
  return (
    <FieldFrame {...props} id={id}>
      <select id={id} name={props.name} required={props.required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, Boolean(props.hint), error)}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === current}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/**
 * A required choice among a few options (radio buttons in a fieldset, the legend as the
 * question): for choices the system must not make on the user's behalf, such as a KPI's
 * direction. Nothing is preselected unless `values` holds a choice.
 */
export function RadioGroup(props: FieldProps & { options: readonly { value: string; label: string }[]; explanation?: string | undefined }) {
  const id = fieldId(props.name, props.formId);
  const error = props.errors[props.name];
  const current = props.values[props.name] ?? '';
  const described = [props.explanation ? `${id}-explanation` : '', props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={error ? 'field field-error' : 'field'} id={id} aria-describedby={described}>
      <legend>
        {props.label}
        {props.required ? <span class="required">{props.ctx.lang === 'ja' ? `（${props.ctx.t('staff.form.required')}）` : ` (${props.ctx.t('staff.form.required')})`}</span> : null}
      </legend>
      {props.explanation ? (
        <p class="notice notice-warning" id={`${id}-explanation`}>
          {props.explanation}
        </p>
      ) : null}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error-message" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {props.options.map((o) => (
        <label class="choice">
          <input type="radio" name={props.name} value={o.value} checked={o.value === current} required={props.required} aria-invalid={error ? 'true' : undefined} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** One field of a conflict: what is stored now (the other person's change) beside what this user entered. */
export interface ConflictRow {
  readonly label: string;
  readonly theirs: string;
  readonly yours: string;
}

/** What a conflict page shows above the form it refused (issue 10.4). */
export interface ConflictInfo {
  readonly rows: readonly ConflictRow[];
  /** Who saved the change this user's form did not know about, and when (from the change log). */
  readonly changedBy: { readonly actor: string; readonly at: Date } | null;
}

/**
 * The panel of a refused stale save: who changed what since the form was opened, their values
 * beside the user's (differences marked), above the form re-filled with the user's input and
 * the current version, so saving again applies the user's input on top of the other change.
 */
export function ConflictPanel(props: { ctx: ViewContext; conflict: ConflictInfo }) {
  const { ctx, conflict } = props;
  const t = ctx.t;
  const none = t('staff.conflict.none');
  const time = (d: Date) => `${d.toLocaleString(ctx.lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' })} JST`;
  return (
    <div class="error-summary conflict" role="alert" aria-labelledby="conflict-title" tabindex={-1} id="conflict">
      <h2 id="conflict-title">{t('staff.conflict.title')}</h2>
      <p>{t('staff.conflict.lead')}</p>
      {conflict.changedBy ? <p>{fill(t('staff.conflict.by'), { actor: conflict.changedBy.actor, time: time(conflict.changedBy.at) })}</p> : null}
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('staff.conflict.field')}</th>
              <th scope="col">{t('staff.conflict.theirs')}</th>
              <th scope="col">{t('staff.conflict.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.rows.map((r) => (
              <tr class={r.theirs === r.yours ? undefined : 'conflict-differs'}>
                <th scope="row">{r.label}</th>
                <td>{r.theirs === '' ? none : r.theirs}</td>
                <td>{r.yours === '' ? none : r.yours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The hidden version field(s) of an edit form: the version it was opened on (see staff/form-versions.ts). */
export function VersionField(props: { name?: 'version' | 'versions'; value: string | number }) {
  return <input type="hidden" name={props.name ?? 'version'} value={String(props.value)} />;
}
