import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { SinkRecord, SinkTask, SinkTaskContext } from '../api.js';
import { valueOf } from '../schema.js';
import { fileSinkField as F } from './index.js';

/** What the file sink commits with its positions under EFFECTIVELY_ONCE. */
export interface FileSinkState {
  length: number;
  /** The absolute path the length belongs to; a state of another file (ALTER changed 'file') is not applied. */
  file?: string;
}

const WRITE_CHUNK = 64 * 1024;

/** One line per record: strings as they are, anything else as JSON text (Kafka's sink prints Java toString). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'null';
  return JSON.stringify(value);
}

/**
 * The line for a record. The log's JSON text is the same text JSON.stringify gives for a structured value, so it
 * is copied as is; only a JSON string is parsed (its line is the string itself).
 */
export function formatRecordValue(r: SinkRecord): string {
  const text = r.valueJson;
  if (text === undefined) return formatValue(r.value);
  if (text === null) return 'null';
  return text.charCodeAt(0) === 34 /* " */ ? (JSON.parse(text) as string) : text;
}

function isState(x: unknown): x is FileSinkState {
  return typeof x === 'object' && x !== null && typeof (x as FileSinkState).length === 'number';
}

/**
 * Appends record values to a file (or stdout). flush() writes and fsyncs, then reports the file's length; under
 * EFFECTIVELY_ONCE that length is committed with the positions, and start() truncates the file back to it — so
 * lines written after the last commit (a crash between write and commit) are removed and written again once.
 */
export class FileSinkTask implements SinkTask {
  private handle: fsp.FileHandle | undefined;
  private length = 0;
  /** Lines are encoded straight into this buffer (no string per line), written out when it is full. */
  private readonly chunk = Buffer.allocUnsafe(WRITE_CHUNK);
  private used = 0;
  private path = '';

  async start(ctx: SinkTaskContext): Promise<void> {
    this.path = valueOf(ctx.config, F.file) ?? '';
    this.used = 0;
    if (this.path === '') return;
    try {
      this.handle = await fsp.open(this.path, 'a');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new Error(`permission denied writing ${this.path}`, { cause: err });
      if (code === 'ENOENT') throw new Error(`cannot create ${this.path}: its directory does not exist`, { cause: err });
      if (code === 'EISDIR') throw new Error(`${this.path} is a directory, not a file`, { cause: err });
      throw err;
    }
    this.length = (await this.handle.stat()).size;
    const committed = ctx.committedState;
    if (isState(committed) && committed.file !== undefined && committed.file !== path.resolve(this.path)) {
      ctx.logger.info(`the committed length is of ${committed.file}, not ${this.path}: appending to ${this.path} as it is`);
    } else if (isState(committed)) {
      if (this.length > committed.length) {
        ctx.logger.info(`truncating ${this.path} from ${this.length} to the committed ${committed.length} bytes`);
        await this.handle.truncate(committed.length);
        this.length = committed.length;
      } else if (this.length < committed.length) {
        ctx.logger.warn(`${this.path} is shorter (${this.length} bytes) than committed (${committed.length}): it was changed outside Sluice`);
      }
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const r of records) {
      const text = formatRecordValue(r);
      // A UTF-16 code unit takes at most 3 bytes in UTF-8; a line that might not fit is written on its own.
      const most = text.length * 3 + 1;
      if (this.used + most > WRITE_CHUNK) await this.write();
      if (most > WRITE_CHUNK) {
        await this.writeOut(Buffer.from(`${text}\n`, 'utf8'));
        continue;
      }
      this.used += this.chunk.write(text, this.used, 'utf8');
      this.chunk[this.used++] = 0x0a;
    }
  }

  async flush(): Promise<FileSinkState | undefined> {
    await this.write();
    if (!this.handle) return undefined;
    await this.handle.datasync();
    return { length: this.length, file: path.resolve(this.path) };
  }

  async stop(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle?.close();
      this.handle = undefined;
    }
  }

  private async write(): Promise<void> {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    await this.writeOut(this.chunk.subarray(0, used));
  }

  /** Writes data before returning, so the chunk it may come from can be reused. */
  private async writeOut(data: Buffer): Promise<void> {
    if (!this.handle) {
      await new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
      return;
    }
    // O_APPEND writes land at the end; the loop covers short writes.
    let done = 0;
    while (done < data.length) done += (await this.handle.write(data, done, data.length - done)).bytesWritten;
    this.length += data.length;
  }
}
