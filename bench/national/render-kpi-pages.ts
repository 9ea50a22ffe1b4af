/**
 * Renders the KPI pages a kept national database lacks for this version of the code
 * (CityDataStore.catchUpKpiPages, as a serving process does in the background), one share of
 * the cities per process: `node bin/run-ts.mjs bench/national/render-kpi-pages.ts URL INDEX COUNT`
 * renders the cities at positions INDEX, INDEX + COUNT… of the list, and prints how many it rendered.
 * The national bench runs one such process per core before it measures.
 */
import { openAppContext } from '../../src/app-context.ts';
import { refreshKpiPages } from '../../src/summaries/summary.service.ts';
import { kpiPagesStaleCityIds } from '../../src/summaries/summary.repository.ts';

const [url, index, count] = process.argv.slice(2);
const ctx = await openAppContext({ dataDir: '', databaseUrl: url!, seed: false }, { purpose: 'command', announce: () => {} });
try {
  const ids = await kpiPagesStaleCityIds(ctx.db, ctx.store.kpiPageVersion!);
  let n = 0;
  for (let i = Number(index); i < ids.length; i += Number(count)) if (await refreshKpiPages(ctx.db, ctx.store, ids[i]!)) n++;
  console.log(JSON.stringify({ cities: n }));
} finally {
  await ctx.close();
}
