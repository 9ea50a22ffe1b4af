import { Hono } from 'hono';
import { cityArchive } from '../../open-data/open-data.service.ts';
import { t, unpublishedYearsText } from '../../i18n/messages.ts';
import { licenceOf } from '../../open-data/licence.ts';
import { viewContextOf } from '../request-context.ts';
import { ARCHIVE_FILES, OpenDataView } from '../views/open-data.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { cityListPage } from '../../summaries/national.service.ts';
import { cityFilterOf, pagingOf } from './national-json.ts';

/** The open data page and each city's archive of all its public data. */
export function downloadRoutes(deps: WebDeps): Hono {
  const { store, db } = deps;
  const app = new Hono();

  app.get('/data', async (c) => {
    // One page of cities (by prefecture), never the whole country at once, without their counts (the page shows none).
    const filter = cityFilterOf(c);
    const { page } = pagingOf(c);
    const { cities, prefectures } = await cityListPage(db, filter, page);
    return c.html(<OpenDataView ctx={viewContextOf(c)} cities={cities.items} page={cities} prefectures={prefectures} prefecture={filter.prefecture} />);
  });

  app.get('/cities/:city/download.zip', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return notFound(c);
    const now = clockOf(deps).now();
    const readme = (['ja', 'en'] as const)
      .map((lang) =>
        [
          `${lang === 'ja' ? data.city.name : data.city.nameEn} — ${t(lang, 'pub.data.title')}`,
          t(lang, 'pub.data.format'),
          // Years held back until published (issue 10.1): said as the city page says it.
          ...((data.unpublishedYears ?? []).length > 0 ? ['', unpublishedYearsText(lang, data.unpublishedYears!)] : []),
          '',
          ...ARCHIVE_FILES.map((f) => `${f}.csv / ${f}.json: ${t(lang, `pub.data.file.${f}`)}`),
          '',
          t(lang, 'pub.data.standardsText'),
          '',
          `${t(lang, 'pub.data.licence')}${licenceOf(data.city).title[lang]} ${licenceOf(data.city).url}`,
          t(lang, 'pub.data.termsText'),
        ].join('\r\n'),
      )
      .join('\r\n\r\n');
    const zip = cityArchive(data, `${readme}\r\n`, now);
    return new Response(zip, {
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${data.city.id}-open-data.zip"`, link: `<${licenceOf(data.city).url}>; rel="license"` },
    });
  });

  return app;
}
