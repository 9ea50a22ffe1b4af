import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { viewContextOf } from './request-context.ts';

/** The view context is read off the request URL without parsing it again (issue 11.4): the same links as before. */
describe('viewContextOf', () => {
  const app = new Hono();
  app.get('*', (c) => {
    const ctx = viewContextOf(c);
    return c.json({ lang: ctx.lang, path: ctx.path, other: ctx.otherLangHref(), home: ctx.href('/cities/x') });
  });
  const of = async (url: string) => (await (await app.request(url)).json()) as { lang: string; path: string; other: string; home: string };

  it('keeps the page and its other parameters in the language switch, without lang', async () => {
    expect(await of('/cities/a')).toEqual({ lang: 'ja', path: '/cities/a', other: '/cities/a?lang=en', home: '/cities/x' });
    expect(await of('/cities/a?lang=en')).toEqual({ lang: 'en', path: '/cities/a', other: '/cities/a', home: '/cities/x?lang=en' });
    expect(await of('/cities/a?')).toEqual({ lang: 'ja', path: '/cities/a', other: '/cities/a?lang=en', home: '/cities/x' });
    expect(await of('/search?q=a+b&lang=en&page=2')).toEqual({ lang: 'en', path: '/search', other: '/search?q=a+b&page=2', home: '/cities/x?lang=en' });
    expect(await of('/search?lang=ja&q=%E4%B8%80')).toEqual({ lang: 'ja', path: '/search', other: '/search?q=%E4%B8%80&lang=en', home: '/cities/x' });
    // Any other value of lang is Japanese; the first lang counts.
    expect((await of('/?lang=fr')).lang).toBe('ja');
    expect((await of('/?lang=en&lang=ja')).lang).toBe('en');
  });

  it('keeps a percent-encoded path as it came (the links the page had before)', async () => {
    const r = await of('/cities/%E4%B8%80%22x?lang=en');
    expect(r.path).toBe('/cities/%E4%B8%80%22x');
    expect(r.other).toBe('/cities/%E4%B8%80%22x');
  });
});
