import { constants, promises as fsp, type Stats } from 'node:fs';
import { RetriableTaskError, type SourceRecord, type SourceTask, type SourceTaskContext, type TaskLogger } from '../api.js';
import { valueOf } from '../schema.js';
import { fileSourceField as F } from './index.js';

const CHUNK = 64 * 1024;
const IDLE_WAIT_MS = 250;
const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Tails a file, one record per line. Positions are BYTE offsets just after each line's terminator (`\n` or
 * `\r\n`), so resuming is exact whatever the encoding (Kafka's FileStreamSource counts characters but skips
 * bytes, which drifts on non-ASCII text). A last line without its terminator waits until it is complete.
 *
 * Truncation: if the file becomes shorter than the position, it was truncated; reading restarts at 0.
 * Rotation: if the path now names a different file (new inode), the old file is read to its end and then the
 * new one from its start. Both are logged as warnings.
 */
export class FileSourceTask implements SourceTask {
  private ctx!: SourceTaskContext;
  private path = '';
  private topic = '';
  private batchSize = 2000;
  private position = 0;
  private handle: fsp.FileHandle | undefined;
  private inode: number | undefined;
  private emptyLastPoll = false;

  async start(ctx: SourceTaskContext): Promise<void> {
    this.ctx = ctx;
    this.path = valueOf(ctx.config, F.file) ?? '';
    this.topic = valueOf(ctx.config, F.topic) ?? '';
    this.batchSize = Number(valueOf(ctx.config, F.batchSize) ?? 2000);
    const committed = ctx.offset(this.partition());
    const pos = committed?.['position'];
    this.position = typeof pos === 'number' && pos >= 0 ? pos : 0;
    await this.open();
  }

  async poll(): Promise<SourceRecord[]> {
    if (!this.handle) await this.open();
    await this.detectTruncationOrRotation(this.ctx.logger);
    const records = await this.readLines();
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
    try {
      this.handle = await fsp.open(this.path, constants.O_RDONLY);
      this.inode = (await this.handle.stat()).ino;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new RetriableTaskError(`file ${this.path} does not exist (yet)`, { cause: err });
      if (code === 'EACCES' || code === 'EPERM') throw new Error(`permission denied reading ${this.path}`, { cause: err });
      if (code === 'EISDIR') throw new Error(`${this.path} is a directory, not a file`, { cause: err });
      throw err;
    }
  }

  private async detectTruncationOrRotation(logger: TaskLogger): Promise<void> {
    const current = await this.handle!.stat();
    if (current.size < this.position) {
      logger.warn(`${this.path} was truncated (now ${current.size} bytes, position was ${this.position}); reading from the start`);
      this.position = 0;
      return;
    }
    if (current.size > this.position) return;
    // Nothing left in the open file: has the path been rotated to a new file?
    let atPath: Stats;
    try {
      atPath = await fsp.stat(this.path);
    } catch {
      return; // moved away and not (yet) recreated: keep the old file open
    }
    if (atPath.ino !== this.inode) {
      logger.warn(`${this.path} was replaced by a new file; reading the new file from the start`);
      await this.handle!.close();
      this.handle = undefined;
      this.position = 0;
      await this.open();
    }
  }

  private async readLines(): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    let pending = Buffer.alloc(0);
    let pendingStart = this.position;
    let readAt = this.position;
    while (records.length < this.batchSize) {
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
          sourceOffset: { position: after },
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
