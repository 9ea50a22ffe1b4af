import { unpublishedYearsText } from '../../i18n/messages.ts';
import type { ViewContext } from './view-context.ts';

/**
 * Says which reporting years hold figures the secretariat has not yet reviewed and published
 * (issue 10, point 1): a reader sees that 2025 is missing on purpose, not by neglect. Pages
 * pass their view context; the progress sheet (which has only a language) passes `t` and `lang`.
 */
export function UnpublishedYearsNote(props: { ctx: Pick<ViewContext, 't' | 'lang'>; years: readonly number[] | undefined }) {
  const years = props.years ?? [];
  if (years.length === 0) return null;
  return (
    <p class="notice unpublished-years" data-years={years.join(',')}>
      {unpublishedYearsText(props.ctx.lang, years)}
    </p>
  );
}
