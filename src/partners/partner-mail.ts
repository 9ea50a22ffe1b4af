import { t, type MessageKey } from '../i18n/messages.ts';
import { fillMessage as fill } from '../i18n/fill.ts';

/**
 * The partner area's outgoing mail: a subject and body per kind, Japanese first and English
 * below, from the partners catalog with {placeholders} filled in.
 */

export type MailKind =
  | 'receipt'
  | 'secretariat-notice'
  | 'decision-approved'
  | 'decision-returned'
  | 'decision-rejected'
  | 'renewal-reminder'
  | 'collaboration-request'
  | 'collaboration-accepted'
  | 'collaboration-declined'
  | 'event-registered'
  | 'course-certified'
  | 'dispatch-received'
  | 'dispatch-scheduled';

export { fill };

/** The subject and body of a mail of this kind. */
export function composeMail(kind: MailKind, vars: Readonly<Record<string, string>>): { subject: string; body: string } {
  const subjectKey = `partners.mail.${kind}.subject` as MessageKey;
  const bodyKey = `partners.mail.${kind}.body` as MessageKey;
  return {
    subject: `${fill(t('ja', subjectKey), vars)} / ${fill(t('en', subjectKey), vars)}`,
    body: `${fill(t('ja', bodyKey), vars)}\n\n----\n\n${fill(t('en', bodyKey), vars)}\n`,
  };
}
