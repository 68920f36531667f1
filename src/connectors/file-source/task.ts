import { constants, promises as fsp, type Stats } from 'node:fs';
import { RetriableTaskError, type SourceRecord, type SourceTask, type SourceTaskContext, type TaskLogger } from '../api.js';
import { valueOf } from '../schema.js';
import { fileSourceField as F } from './index.js';

const CHUNK = 64 * 1024;
const IDLE_WAIT_MS = 250;
const NEWLINE = 0x0a;
const CR = 0x0d;
/** A poll stops reading once its batch holds this many bytes, so huge lines cannot pile up in memory. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Tails a file, one record per line. Positions are BYTE offsets just after each line's terminator (`\n` or
 * `\r\n`), so resuming is exact whatever the encoding (Kafka's FileStreamSource counts characters but skips
 * bytes, which drifts on non-ASCII text). A last line without its terminator waits until it is complete.
 *
 * Truncation: if the file becomes shorter than the position, it was truncated; reading restarts at 0.
 * The offset also records the file's identity, so a file replaced while Sluice was stopped is read from its start
 * instead of from the old file's position.
 * Rotation: if the path now names a different file (new inode), the old file is read to its end and then the
 * new one from its start. Both are logged as warnings.
 *
 * A file that does not exist yet is waited for, as Kafka Connect's FileStreamSource does: the task runs, says it
 * is waiting (its activity), looks again at every poll and reads the file from its start once it appears.
 */
export class FileSourceTask implements SourceTask {
  private ctx!: SourceTaskContext;
  private path = '';
  private topic = '';
  private batchSize = 2000;
  private position = 0;
  private handle: fsp.FileHandle | undefined;
  private inode: number | undefined;
  /** Inode plus birth time: inode numbers alone are reused at once when a file is deleted and another created. */
  private fileId: string | undefined;
  private emptyLastPoll = false;
  /** The committed file identity, checked against the file once it is open. */
  private committedFileId: unknown;

  async start(ctx: SourceTaskContext): Promise<void> {
    this.ctx = ctx;
    this.path = valueOf(ctx.config, F.file) ?? '';
    this.topic = valueOf(ctx.config, F.topic) ?? '';
    this.batchSize = Number(valueOf(ctx.config, F.batchSize) ?? 2000);
    const committed = ctx.offset(this.partition());
    const pos = committed?.['position'];
    this.position = typeof pos === 'number' && pos >= 0 ? pos : 0;
    this.committedFileId = committed?.['file_id'];
    await this.openOrWait();
  }

  /** Opens the file, or says the task waits for it when it does not exist (yet): false then. */
  private async openOrWait(): Promise<boolean> {
    try {
      await this.open();
    } catch (err) {
      if (!(err instanceof RetriableTaskError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')) throw err;
      this.ctx.activity?.({ phase: 'waiting', what: `file '${this.path}'` });
      return false;
    }
    this.ctx.activity?.(undefined);
    const fileId = this.committedFileId;
    if (typeof fileId === 'string' && fileId !== this.fileId && this.position > 0) {
      this.ctx.logger.warn(`${this.path} is not the file read before the restart (it was replaced); reading it from the start`);
      this.position = 0;
    }
    return true;
  }

  private offsetAt(position: number): Record<string, unknown> {
    return { position, file_id: this.fileId };
  }

  async poll(): Promise<SourceRecord[]> {
    if (!this.handle && !(await this.openOrWait())) {
      this.emptyLastPoll = true;
      return [];
    }
    await this.detectTruncation(this.ctx.logger);
    let records = await this.readLines();
    // No complete line left in the open file: has the path been rotated to a new file? (Checked whenever no line
    // was found, not only at the end of the file, so an old file ending in an unterminated line is let go too.)
    if (records.length === 0) records = await this.followRotation(this.ctx.logger);
    this.emptyLastPoll = records.length === 0;
    return records;
  }

  idle(): boolean {
    return this.emptyLastPoll;
  }

  idleWaitMs(): number {
    return IDLE_WAIT_MS;
  }

  async stop(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private partition(): Record<string, unknown> {
    return { filename: this.path };
  }

  private async open(): Promise<void> {
    let handle: fsp.FileHandle | undefined;
    try {
      handle = await fsp.open(this.path, constants.O_RDONLY);
      const stats = await handle.stat();
      // A directory opens read-only without complaint on Linux; only reading it fails, with a cryptic EISDIR.
      if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: ${this.path}`), { code: 'EISDIR' });
      this.handle = handle;
      this.inode = stats.ino;
      const born = (await handle.stat({ bigint: true })).birthtimeNs;
      this.fileId = `${stats.ino}:${born}`;
    } catch (err) {
      await handle?.close().catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new RetriableTaskError(`file ${this.path} does not exist (yet)`, { cause: err });
      if (code === 'EACCES' || code === 'EPERM') throw new Error(`permission denied reading ${this.path}`, { cause: err });
      if (code === 'EISDIR') throw new Error(`${this.path} is a directory, not a file`, { cause: err });
      throw err;
    }
  }

  private async detectTruncation(logger: TaskLogger): Promise<void> {
    const current = await this.handle!.stat();
    if (current.size < this.position) {
      logger.warn(`${this.path} was truncated (now ${current.size} bytes, position was ${this.position}); reading from the start`);
      this.position = 0;
    }
  }

  /**
   * If the path names a different file now, the old one is finished: its unterminated last line, if any, is
   * emitted as it is (no more can come once it was replaced), and reading goes on in the new file from 0.
   */
  private async followRotation(logger: TaskLogger): Promise<SourceRecord[]> {
    let atPath: Stats;
    try {
      atPath = await fsp.stat(this.path);
    } catch {
      return []; // moved away and not (yet) recreated: keep the old file open
    }
    if (atPath.ino === this.inode) return [];
    const old = this.handle!;
    const size = (await old.stat()).size;
    const tail = Buffer.alloc(Math.max(0, size - this.position));
    let got = 0;
    while (got < tail.length) {
      const { bytesRead } = await old.read(tail, got, tail.length - got, this.position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.handle = undefined;
    try {
      await this.open();
    } catch (err) {
      this.handle = old; // stay on the old file; the next poll tries again
      throw err;
    }
    await old.close();
    this.position = 0;
    if (got === 0) {
      logger.warn(`${this.path} was replaced by a new file; reading the new file from the start`);
      return this.readLines();
    }
    logger.warn(`${this.path} was replaced by a new file; the old file's last line had no line end and is emitted as it is; reading the new file from the start`);
    const end = got > 0 && tail[got - 1] === CR ? got - 1 : got;
    // Its offset is the new file's start: after a restart, reading resumes at the beginning of the new file.
    return [{ sourcePartition: this.partition(), sourceOffset: this.offsetAt(0), topic: this.topic, key: null, value: tail.toString('utf8', 0, end) }];
  }

  private async readLines(): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    let pending = Buffer.alloc(0);
    let pendingStart = this.position;
    let readAt = this.position;
    while (records.length < this.batchSize && (records.length === 0 || pendingStart - this.position < MAX_BATCH_BYTES)) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle!.read(chunk, 0, CHUNK, readAt);
      if (bytesRead === 0) break;
      readAt += bytesRead;
      const buf = pending.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      let lineStart = 0;
      for (let nl = buf.indexOf(NEWLINE); nl >= 0 && records.length < this.batchSize; nl = buf.indexOf(NEWLINE, lineStart)) {
        const end = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
        const after = pendingStart + nl + 1;
        records.push({
          sourcePartition: this.partition(),
          sourceOffset: this.offsetAt(after),
          topic: this.topic,
          key: null,
          value: buf.toString('utf8', lineStart, end),
        });
        lineStart = nl + 1;
      }
      pendingStart += lineStart;
      pending = Buffer.from(buf.subarray(lineStart));
    }
    // A partial last line stays unread; the next poll starts at its first byte.
    this.position = pendingStart;
    return records;
  }
}
