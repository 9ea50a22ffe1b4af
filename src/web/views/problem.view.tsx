import { Layout } from './layout.tsx';
import type { ViewContext } from './view-context.ts';

/** The page of a problem answer (400, 413, 503, 500): its title, what is wrong, a way home. */
export function ProblemView(props: { ctx: ViewContext; title: string; detail: string }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.detail}</p>
      <p>
        <a href={ctx.href('/')}>{ctx.t('problem.back')}</a>
      </p>
    </Layout>
  );
}
