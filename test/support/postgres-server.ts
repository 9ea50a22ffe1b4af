import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A throwaway PostgreSQL server for the storage tests: connect with `url`, then `stop()` it. */
export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'michishirube_test';
const POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * The bin directory of the newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<ver>/bin),
 * or null when there is none: the storage suite then skips (or, on CI, fails) its PostgreSQL variant.
 */
export function findPostgresBinDir(): string | null {
  let versions: string[];
  try {
    versions = readdirSync(POSTGRES_ROOT);
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(POSTGRES_ROOT, v, 'bin');
    try {
      accessSync(join(bin, 'initdb'), constants.X_OK);
      accessSync(join(bin, 'pg_ctl'), constants.X_OK);
      return bin;
    } catch {
      // an incomplete install (client only): try the next version
    }
  }
  return null;
}

/**
 * Starts a fresh PostgreSQL in a temp dir on a free loopback port (unix sockets in the temp dir too),
 * creates a database and returns its URL. PostgreSQL refuses to run as root, so when we are root
 * the server runs as the `postgres` system user, which then owns the temp dir.
 */
export async function startPostgresServer(options: { keepDir?: string } = {}): Promise<PostgresServer> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(`no PostgreSQL server binaries under ${POSTGRES_ROOT}/*/bin (apt-get install -y postgresql)`);

  // keepDir: a server kept between runs (the national bench's imported cities): created when
  // missing, started again when present, never removed.
  const keep = options.keepDir;
  if (keep) await mkdir(keep, { recursive: true });
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'michishirube-pg-')));
  const dataDir = join(dir, 'data');
  const existing = keep !== undefined && existsSync(join(dataDir, 'PG_VERSION'));
  const removeDir = () => (keep ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await systemUser('postgres');
    await chown(dir, uid, gid);
    await chmod(dir, 0o700);
  }
  /** Runs a server binary, as the postgres user when we are root. */
  const exec = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);

  let started = false;
  const stopSync = () => {
    if (!started) return;
    const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
    else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
  };
  // A crashed test run must not leave a server behind.
  process.once('exit', stopSync);

  try {
    if (!existing) await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      // Durability is pointless for a throwaway test server; speed is not.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    started = true;

    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      if (!existing) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await admin.end();
    }

    return {
      url: `postgres://postgres@127.0.0.1:${port}/${DATABASE_NAME}`,
      async stop() {
        if (started) {
          await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
          started = false;
        }
        process.removeListener('exit', stopSync);
        await removeDir();
      },
    };
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    await removeDir();
    throw new Error(`could not start a test PostgreSQL with ${bin}: ${describe(error)}`, { cause: error });
  }
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'stderr' in error && typeof error.stderr === 'string' && error.stderr.trim()) {
    return error.stderr.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
