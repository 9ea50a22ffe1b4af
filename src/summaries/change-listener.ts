import pg from 'pg';
import { CHANGE_CHANNEL } from '../cities/city-data.store.ts';

/**
 * Listens on PostgreSQL for cities written by other processes (app processes behind one
 * database, the CLI): `onChange(cityId)` for each notification on {@link CHANGE_CHANNEL}. A lost
 * connection may have lost notifications, so after reconnecting `onReconnect()` lets the caller
 * forget everything it cached. Returns a function that stops listening.
 */
export async function listenForChanges(databaseUrl: string, onChange: (cityId: string) => void, onReconnect: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => {
      if (n.channel === CHANGE_CHANNEL && n.payload) onChange(n.payload);
    });
    const lost = () => {
      if (stopped || client !== c) return;
      client = null;
      c.removeAllListeners('end');
      retry = setTimeout(() => void reconnect(), 1_000);
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    await c.query(`listen ${CHANGE_CHANNEL}`);
    client = c;
  };
  const reconnect = async (): Promise<void> => {
    if (stopped) return;
    try {
      await connect();
      onReconnect();
    } catch {
      retry = setTimeout(() => void reconnect(), 2_000);
    }
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
