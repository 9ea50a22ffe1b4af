import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/** A seeded app on an in-memory database, served on a free loopback port, for browser tests. */
export interface TestServer {
  readonly url: string;
  readonly ctx: AppContext;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true });
  const app = createApp({ db: ctx.db, store: ctx.store });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await ctx.close();
    },
  };
}
