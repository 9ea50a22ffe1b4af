import { Layout } from './layout.tsx';
import type { ViewContext } from './view-context.ts';

/** The 404 page. */
export function NotFoundView(props: { ctx: ViewContext }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('error.notFound')}>
      <h1>{ctx.t('error.notFound')}</h1>
      <p>{ctx.t('error.notFoundLead')}</p>
      <p>
        <a href={ctx.href('/')}>{ctx.t('nav.home')}</a>
      </p>
    </Layout>
  );
}
