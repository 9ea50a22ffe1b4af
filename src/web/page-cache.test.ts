import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { CityDataStore } from '../services/city-data.store.ts';
import { pageCache } from './page-cache.ts';

function appWithCounter() {
  const store = { version: 0 } as CityDataStore;
  let renders = 0;
  const app = new Hono();
  app.use('*', pageCache(store, 2));
  app.get('/page', (c) => c.html(`<p>render ${++renders}</p>`));
  app.get('/private', (c) => {
    c.header('set-cookie', 'a=b');
    return c.html(`<p>render ${++renders}</p>`);
  });
  return { app, store, renders: () => renders };
}

describe('pageCache', () => {
  it('serves a rendered page again until the data changes', async () => {
    const { app, store, renders } = appWithCounter();
    expect(await (await app.request('/page')).text()).toBe('<p>render 1</p>');
    expect(await (await app.request('/page')).text()).toBe('<p>render 1</p>');
    expect(renders()).toBe(1);
    store.version++;
    expect(await (await app.request('/page')).text()).toBe('<p>render 2</p>');
  });

  it('never caches for a request with a cookie or a response setting one', async () => {
    const { app, renders } = appWithCounter();
    await app.request('/page', { headers: { cookie: 'session=x' } });
    await app.request('/page', { headers: { cookie: 'session=x' } });
    await app.request('/private');
    await app.request('/private');
    expect(renders()).toBe(4);
  });

  it('keys by the whole URL, language included, and keeps at most maxEntries', async () => {
    const { app, renders } = appWithCounter();
    await app.request('/page');
    await app.request('/page?lang=en');
    await app.request('/page?x=1'); // evicts /page
    await app.request('/page');
    expect(renders()).toBe(4);
  });
});
