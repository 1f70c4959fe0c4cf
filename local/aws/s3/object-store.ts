/**
 * The local buckets' objects on disk, under `{root}/{bucket}/`: each object is a
 * data file and a JSON record (its key, size, ETag, content type, metadata) named
 * after the SHA-256 of its key, so any key is a safe file name. A write streams into
 * a temporary file and becomes visible with one rename of its record, so a reader
 * sees the old object or the new one, never half of one; data survives a restart.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What S3 keeps about an object besides its bytes. */
export interface ObjectRecord {
  key: string;
  size: number;
  /** The MD5 of the bytes, hex, as S3's ETag of a single-part upload (without quotes). */
  etag: string;
  contentType: string;
  lastModified: string;
  /** Stored headers S3 returns as given (Cache-Control, Content-Disposition, …). */
  headers: Record<string, string>;
  /** User metadata, `x-amz-meta-*` without the prefix, names lower-cased. */
  metadata: Record<string, string>;
  /** The data file's name, new for every write. */
  dataFile: string;
}

/** A body written to a temporary file, not yet an object: its size and hashes. */
export interface StagedBody {
  path: string;
  size: number;
  md5: string;
  sha256: string;
}

export interface ObjectInput {
  contentType?: string;
  headers?: Record<string, string>;
  metadata?: Record<string, string>;
}

export class ObjectStore {
  readonly #root: string;
  readonly #buckets: ReadonlySet<string>;

  constructor(root: string, buckets: readonly string[]) {
    this.#root = root;
    this.#buckets = new Set(buckets);
  }

  /** Creates the buckets' folders; the objects already there are kept. */
  async open(): Promise<void> {
    await mkdir(this.#incoming, { recursive: true });
    for (const bucket of this.#buckets) await mkdir(join(this.#root, bucket), { recursive: true });
  }

  hasBucket(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  /**
   * Streams `body` into a temporary file, hashing it, and stops with `onTooLarge`'s
   * error once more than `maxBytes` arrived (nothing is kept then).
   */
  async stage(
    body: Readable | AsyncIterable<Uint8Array>,
    maxBytes: number,
    onTooLarge: (size: number) => Error,
  ): Promise<StagedBody> {
    const path = join(this.#incoming, randomUUID());
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > maxBytes) throw onTooLarge(size);
            md5.update(chunk);
            sha256.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(path, { mode: 0o600 }),
      );
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  }

  /** Drops a staged body that will not become an object. */
  async discard(staged: StagedBody): Promise<void> {
    await rm(staged.path, { force: true });
  }

  /** Makes a staged body the object at `key`, replacing any; returns its record. */
  async commit(
    bucket: string,
    key: string,
    staged: StagedBody,
    input: ObjectInput,
  ): Promise<ObjectRecord> {
    const dir = join(this.#root, bucket);
    const name = fileName(key);
    const previous = await this.head(bucket, key);
    const record: ObjectRecord = {
      key,
      size: staged.size,
      etag: staged.md5,
      contentType: input.contentType ?? 'binary/octet-stream',
      lastModified: new Date().toISOString(),
      headers: input.headers ?? {},
      metadata: input.metadata ?? {},
      dataFile: `${name}.${randomUUID()}`,
    };
    await rename(staged.path, join(dir, record.dataFile));
    const temporary = join(this.#incoming, `${randomUUID()}.json`);
    await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    await rename(temporary, join(dir, `${name}.json`));
    if (previous) await rm(join(dir, previous.dataFile), { force: true });
    return record;
  }

  /** The object's record, or undefined when there is none. */
  async head(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    try {
      const text = await readFile(join(this.#root, bucket, `${fileName(key)}.json`), 'utf8');
      return JSON.parse(text) as ObjectRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The object's record and a stream of its bytes, or undefined. */
  async get(
    bucket: string,
    key: string,
  ): Promise<{ record: ObjectRecord; body: ReadStream } | undefined> {
    // A write may replace the data file between the record and the open: read again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.head(bucket, key);
      if (!record) return undefined;
      const path = join(this.#root, bucket, record.dataFile);
      try {
        await stat(path);
        return { record, body: createReadStream(path) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  }

  /** Every object's record in the bucket whose key starts with `prefix`, sorted by key. */
  async list(bucket: string, prefix = ''): Promise<ObjectRecord[]> {
    const dir = join(this.#root, bucket);
    const records: ObjectRecord[] = [];
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as ObjectRecord;
        if (record.key.startsWith(prefix)) records.push(record);
      } catch (error) {
        // Deleted meanwhile: not listed, as S3 lists what exists when it looks.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Deletes the object; deleting an absent one is not an error, as in S3. */
  async delete(bucket: string, key: string): Promise<void> {
    const record = await this.head(bucket, key);
    if (!record) return;
    const dir = join(this.#root, bucket);
    await rm(join(dir, `${fileName(key)}.json`), { force: true });
    await rm(join(dir, record.dataFile), { force: true });
  }

  get #incoming(): string {
    return join(this.#root, '.incoming');
  }
}

function fileName(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
