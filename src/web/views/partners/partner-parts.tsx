import type { Child } from 'hono/jsx';
import { findSdgGoal, textColourOn } from '../../../core/sdg/sdg-framework.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { Partner } from '../../../partners/partner.ts';
import type { MemberType, Programme, ResourceCategory } from '../../../partners/programme.ts';
import { Layout } from '../layout.tsx';
import type { ViewContext } from '../view-context.ts';
import { localized } from '../view-context.ts';
import { fiscalYearOf } from '../../../core/time/clock.ts';
import { fillMessage } from '../../../i18n/fill.ts';

/** Shared parts of the partner pages. Everything user-written is passed as text children: JSX escapes it. */

/** The public frame with the partner stylesheet. */
export function PartnerLayout(props: { ctx: ViewContext; title: string; children: Child; breadcrumbs?: { href: string; label: string }[] }) {
  return (
    <Layout ctx={props.ctx} title={props.title} {...(props.breadcrumbs && { breadcrumbs: props.breadcrumbs })}>
      <link rel="stylesheet" href="/partners/static/partners.css" />
      {props.children}
    </Layout>
  );
}

export const typeLabel = (ctx: ViewContext, t: MemberType) => ctx.t(`partners.type.${t}` as MessageKey);
export const resourceLabel = (ctx: ViewContext, c: ResourceCategory) => ctx.t(`partners.resource.${c}` as MessageKey);
export const programmeName = (ctx: ViewContext, p: Programme) => localized(ctx, p.name, p.nameEn ?? undefined);

export { fillMessage as fillText } from '../../../i18n/fill.ts';

/** The sample-data badge. */
export function SampleBadge(props: { ctx: ViewContext; show: boolean }) {
  return props.show ? (
    <span class="pt-badge-sample" title={props.ctx.t('partners.sampleNote')}>
      {props.ctx.t('partners.sample')}
    </span>
  ) : null;
}

/** An SDG goal as a coloured chip with its number and (for screen readers and on hover) name. */
export function GoalChip(props: { ctx: ViewContext; goal: number }) {
  const g = findSdgGoal(props.goal);
  if (!g) return null;
  const name = props.ctx.lang === 'en' ? g.short.en : g.short.ja;
  return (
    <span class="pt-goal" style={`background:${g.colour};color:${textColourOn(g.colour)}`} title={name}>
      {props.goal}
      <span class="visually-hidden">{` ${name}`}</span>
    </span>
  );
}

export function GoalList(props: { ctx: ViewContext; goals: readonly number[] }) {
  return (
    <ul class="pt-goals" aria-label={props.ctx.t('partners.goals')}>
      {props.goals.map((g) => (
        <li>
          <GoalChip ctx={props.ctx} goal={g} />
        </li>
      ))}
    </ul>
  );
}

/** A partner in a list. */
export function PartnerCard(props: { ctx: ViewContext; cityId: string; partner: Partner; heading?: 'h2' | 'h3' }) {
  const { ctx, partner: p } = props;
  const H = props.heading ?? 'h2';
  return (
    <li class="pt-card">
      <H>
        <a href={ctx.href(`/cities/${props.cityId}/partners/${p.id}`)}>{p.profile.name}</a>
        <SampleBadge ctx={ctx} show={p.isSample} />
      </H>
      <p class="pt-meta">
        {typeLabel(ctx, p.profile.memberType)} ・ {p.profile.area}
        {p.registrationNo ? ` ・ ${p.registrationNo}` : ''}
      </p>
      <GoalList ctx={ctx} goals={p.profile.goals.map((g) => g.goal)} />
    </li>
  );
}

/** The partner log-in, shown on every public page of a programme (partners keep their profile there). */
export function PartnerLoginLink(props: { ctx: ViewContext }) {
  return (
    <p class="pt-login">
      <a href={props.ctx.href('/staff/login?next=/staff/partner')}>{props.ctx.t('partners.login')}</a>
    </p>
  );
}

/** The notice after a successful action (role=status so screen readers announce it). */
export function Notice(props: { text: string | undefined }) {
  return props.text ? (
    <p class="pt-notice" role="status">
      {props.text}
    </p>
  ) : null;
}


/** A registration date with the fiscal year (年度, April start, Tokyo dates) it counts in: "2025-04-01（2025年度）". */
export function registeredOnText(ctx: ViewContext, registeredOn: string): string {
  const fy = fillMessage(ctx.t('partners.partner.fiscalYear'), { year: String(fiscalYearOf(registeredOn)) });
  return ctx.lang === 'ja' ? `${registeredOn}（${fy}）` : `${registeredOn} (${fy})`;
}
