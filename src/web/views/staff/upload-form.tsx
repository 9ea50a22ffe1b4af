import type { Child } from 'hono/jsx';
import type { ViewContext } from '../view-context.ts';
import { CsrfField } from './staff-layout.tsx';

/** The file types both imports read: .xlsx and CSV (UTF-8, Shift_JIS). */
export const UPLOAD_ACCEPT = '.xlsx,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The upload form of a staff import (the actuals import and the KPI-table import): a titled
 * multipart form posting to `action` with the CSRF field, the file input (its hint, marked
 * invalid after a refused upload), any further fields the import asks for (`children`), and the
 * preview button. Works without JavaScript.
 */
export function UploadForm(props: {
  ctx: ViewContext;
  csrfToken: string;
  /** The path the form posts to (before ctx.href). */
  action: string;
  title: string;
  fileLabel: string;
  fileHint?: string;
  submitLabel: string;
  invalid: boolean;
  /** A second form on a page (a preview's "upload another"): a secondary button. */
  secondary?: boolean;
  children?: Child;
}) {
  const { ctx } = props;
  return (
    <form method="post" action={ctx.href(props.action)} enctype="multipart/form-data" class="stacked" aria-labelledby="upload-h">
      <h2 id="upload-h">{props.title}</h2>
      <CsrfField token={props.csrfToken} />
      <div class={props.invalid ? 'field field-error' : 'field'}>
        <label for="f-file">{props.fileLabel}</label>
        {props.fileHint ? (
          <p class="hint" id="f-file-hint">
            {props.fileHint}
          </p>
        ) : null}
        <input id="f-file" name="file" type="file" accept={UPLOAD_ACCEPT} required aria-describedby={props.fileHint ? 'f-file-hint' : undefined} aria-invalid={props.invalid ? 'true' : undefined} />
      </div>
      {props.children}
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.submitLabel}
      </button>
    </form>
  );
}
