import { describe, expect, it } from 'vitest';
import { PdfQueue } from './pdf-queue.ts';

/** A print that finishes when the test says so. */
function controlledPrints() {
  const pending: { key: string; finish: () => void }[] = [];
  const print = (key: string, bytes = 1024) => () =>
    new Promise<Uint8Array>((resolve) => pending.push({ key, finish: () => resolve(new Uint8Array(bytes).fill(key.charCodeAt(0))) }));
  return { pending, print };
}

const tick = () => new Promise((r) => setImmediate(r));
const limits = { concurrency: 2, maxWaiting: 2, cache: { maxBytes: 10 * 1024, maxEntryBytes: 4 * 1024 } };

describe('PdfQueue', () => {
  it('runs at most `concurrency` prints, lets `maxWaiting` wait, and answers busy beyond, with a retry time', async () => {
    const q = new PdfQueue(limits);
    const { pending, print } = controlledPrints();
    const asked = ['a', 'b', 'c', 'd'].map((k) => q.get(k, 1, print(k)));
    await tick();
    expect(q.load).toEqual({ running: 2, waiting: 2 });
    expect(pending.map((p) => p.key)).toEqual(['a', 'b']);
    const refused = await q.get('e', 1, print('e'));
    expect(refused).toMatchObject({ ok: false, error: { kind: 'busy' } });
    if (!refused.ok) expect(refused.error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // As prints finish, the waiting ones run; everything asked within the bound is answered.
    for (let i = 0; i < 4; i++) {
      await tick();
      pending.shift()!.finish();
    }
    const results = await Promise.all(asked);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(q.printed).toBe(4);
    expect(q.load).toEqual({ running: 0, waiting: 0 });
  });

  it('shares one print among concurrent requests for the same document, and keeps it until the version changes', async () => {
    const q = new PdfQueue(limits);
    const { pending, print } = controlledPrints();
    const twelve = Array.from({ length: 12 }, () => q.get('same', 1, print('same')));
    await tick();
    expect(pending).toHaveLength(1);
    pending.shift()!.finish();
    const results = await Promise.all(twelve);
    expect(results.every((r) => r.ok && r.pdf.length === 1024)).toBe(true);
    expect(q.printed).toBe(1);
    const again = await q.get('same', 1, print('same'));
    expect(again).toMatchObject({ ok: true, cached: true });
    expect(q.printed).toBe(1);
    // A write (new data version) prints again.
    const next = q.get('same', 2, print('same'));
    await tick();
    pending.shift()!.finish();
    expect(await next).toMatchObject({ ok: true, cached: false });
    expect(q.printed).toBe(2);
  });

  it('keeps the printed PDFs within the byte bound and does not keep a failed print', async () => {
    const q = new PdfQueue(limits);
    for (let i = 0; i < 20; i++) {
      const r = await q.get(`doc-${i}`, 1, async () => new Uint8Array(3 * 1024));
      expect(r.ok).toBe(true);
    }
    // 10 KB hold three 3-KB PDFs: the oldest are printed again, the latest served from memory.
    expect((await q.get('doc-19', 1, async () => new Uint8Array(1))).ok && q.printed).toBe(20);
    await q.get('doc-0', 1, async () => new Uint8Array(3 * 1024));
    expect(q.printed).toBe(21);
    await expect(q.get('broken', 1, async () => Promise.reject(new Error('chromium crashed')))).rejects.toThrow('chromium crashed');
    await expect(q.get('broken', 1, async () => new Uint8Array(10))).resolves.toMatchObject({ ok: true, cached: false });
  });
});
