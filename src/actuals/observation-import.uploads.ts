import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { forgetImportRead, type ImportFile } from './observation-import.service.ts';

/**
 * Uploaded import files kept on the server between the preview and the commit, so the commit
 * reads the very file the user previewed and never a preview posted back by the browser. Each
 * upload is a file named by a random id, with a small JSON beside it binding it to the session
 * and city it was uploaded in; it expires after {@link UPLOAD_TTL_MS}.
 */

/** How long a previewed upload can still be committed (a staff session's default idle time). */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;

/** Who and what an upload belongs to: only the same session may use it, and only for this city. */
export interface UploadOwner {
  readonly sessionId: number;
  readonly cityId: string;
}

/** A kept upload: its id (in URLs), the file for the import service, and when it was made. */
export interface KeptUpload {
  readonly id: string;
  readonly file: ImportFile & { readonly cityId: string };
  readonly size: number;
  readonly createdAt: number;
}

const metaSchema = z.object({ sessionId: z.number().int(), cityId: z.string(), name: z.string(), size: z.number().int(), createdAt: z.number() });
const ID = /^[A-Za-z0-9_-]{32}$/;

/** The folder of the kept uploads, created on first use (owner-only permissions). */
export class ImportUploads {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly dir = join(tmpdir(), 'michishirube-imports'),
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes an uploaded file to disk as it streams in (the web layer has already limited its
   * size), and returns its new id. Expired uploads of anyone are swept on the way.
   */
  async keep(source: { name: string; stream: () => WebReadableStream<Uint8Array> | ReadableStream<Uint8Array> }, owner: UploadOwner): Promise<KeptUpload> {
    await this.ensureDir();
    await this.sweep();
    const id = randomBytes(24).toString('base64url');
    const name = cleanName(source.name);
    const path = this.dataPath(id);
    await pipeline(Readable.fromWeb(source.stream() as WebReadableStream<Uint8Array>), createWriteStream(path, { mode: 0o600 }));
    const size = (await stat(path)).size;
    const createdAt = this.now();
    await writeFile(this.metaPath(id), JSON.stringify({ sessionId: owner.sessionId, cityId: owner.cityId, name, size, createdAt }), { mode: 0o600 });
    return { id, file: { path, name, cityId: owner.cityId }, size, createdAt };
  }

  /** The upload with this id, if it exists, has not expired, and belongs to this session and city; null otherwise. */
  async find(id: string, owner: UploadOwner): Promise<KeptUpload | null> {
    if (!ID.test(id)) return null;
    let meta: z.infer<typeof metaSchema>;
    try {
      meta = metaSchema.parse(JSON.parse(await readFile(this.metaPath(id), 'utf8')));
    } catch {
      return null;
    }
    if (this.now() - meta.createdAt > UPLOAD_TTL_MS) {
      await this.discard(id);
      return null;
    }
    if (meta.sessionId !== owner.sessionId || meta.cityId !== owner.cityId) return null;
    return { id, file: { path: this.dataPath(id), name: meta.name, cityId: meta.cityId }, size: meta.size, createdAt: meta.createdAt };
  }

  /** Removes an upload (after its commit, or when it was refused). */
  async discard(id: string): Promise<void> {
    if (!ID.test(id)) return;
    forgetImportRead(this.dataPath(id));
    await rm(this.metaPath(id), { force: true });
    await rm(this.dataPath(id), { force: true });
  }

  /** Removes every expired upload (and any file left without its description by a crash). */
  async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      const id = n.replace(/\.(upload|json)$/, '');
      if (!ID.test(id)) continue;
      try {
        const s = await stat(join(this.dir, n));
        if (this.now() - s.mtimeMs > UPLOAD_TTL_MS) await this.discard(id);
      } catch {
        // removed meanwhile by another request
      }
    }
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }

  private dataPath(id: string): string {
    return join(this.dir, `${id}.upload`);
  }

  private metaPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

/** The name as shown and as the import reads its extension: no folders, no control characters, at most 200 characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (clean === '' ? 'upload' : clean).slice(-200);
}
