import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { errors, onAppError } from './errors.ts';

function appThatFails() {
  const app = new Hono();
  app.onError(onAppError);
  app.get('/api/v1/boom', () => {
    throw new Error('secret detail at /srv/app/db.ts:12');
  });
  app.get('/boom', () => {
    throw new TypeError('Cannot read properties of undefined (reading "x")');
  });
  app.get('/bad', () => {
    throw errors.invalidInput({ kind: 'query', name: 'goal' }, { kind: 'too-long', limit: 2000 });
  });
  app.get('/busy', () => {
    throw errors.busy(7);
  });
  return app;
}

describe('the application error handler', () => {
  it('answers an unexpected error with 500, a stable id and an incident id, logged, without the error or a stack', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = appThatFails();
      const json = await app.request('/api/v1/boom');
      expect(json.status).toBe(500);
      expect(json.headers.get('content-type')).toContain('application/problem+json');
      const body = (await json.json()) as { type: string; instance: string; detail: string };
      expect(body.type).toBe('urn:michishirube:problem:internal-error');
      const incident = body.instance.replace('urn:michishirube:incident:', '');
      expect(incident).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(body)).not.toContain('secret');
      expect(log).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(log.mock.calls[0]![0])) as { incident: string; error: { message: string; stack: string } };
      expect(line.incident).toBe(incident);
      expect(line.error.message).toContain('secret detail');
      const page = await app.request('/boom?lang=en');
      expect(page.status).toBe(500);
      const html = await page.text();
      expect(html).toContain('Internal error');
      expect(html).not.toMatch(/TypeError|Cannot read|at \S+:\d+/);
    } finally {
      log.mockRestore();
    }
  });

  it('answers input errors with 400 naming the parameter, busy with 503 and Retry-After', async () => {
    const app = appThatFails();
    const bad = await app.request('/bad');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('URLのパラメータ「goal」が長すぎます（2,000文字まで）');
    const busy = await app.request('/busy', { headers: { accept: 'application/json' } });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');
    expect(await busy.json()).toMatchObject({ type: 'urn:michishirube:problem:busy', status: 503 });
  });
});
