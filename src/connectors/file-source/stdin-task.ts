import readline from 'node:readline';
import type { SourceRecord, SourceTask, SourceTaskContext } from '../api.js';
import { valueOf } from '../schema.js';
import { fileSourceField as F } from './index.js';

/** FileStreamSource with no file: lines of standard input. A stream has no position, so no offset is kept. */
export class StdinSourceTask implements SourceTask {
  private queue: string[] = [];
  private ended = false;
  private rl: readline.Interface | undefined;
  private topic = '';
  private batchSize = 2000;
  private emptyLastPoll = false;

  /** `input` replaces the runtime's stdin (tests pass a stream). */
  constructor(private readonly input?: NodeJS.ReadableStream) {}

  async start(ctx: SourceTaskContext): Promise<void> {
    this.topic = valueOf(ctx.config, F.topic) ?? '';
    this.batchSize = Number(valueOf(ctx.config, F.batchSize) ?? 2000);
    const input = this.input ?? ctx.stdin;
    if (!input) {
      throw new Error(
        "standard input is not available to connectors here (the shell reads it): set 'file', or run the connector with `sluice run`",
      );
    }
    this.rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
    this.rl.on('line', (line) => {
      this.queue.push(line);
      // Backpressure: stop reading while a batch and more are waiting.
      if (this.queue.length > this.batchSize * 2) this.rl?.pause();
    });
    this.rl.on('close', () => (this.ended = true));
  }

  async poll(): Promise<SourceRecord[]> {
    const lines = this.queue.splice(0, this.batchSize);
    if (this.queue.length <= this.batchSize) this.rl?.resume();
    this.emptyLastPoll = lines.length === 0;
    return lines.map((value) => ({ sourcePartition: { filename: '' }, sourceOffset: null, topic: this.topic, key: null, value }));
  }

  /** Idle once stdin has ended and everything was handed over (lines may have arrived since the last, empty, poll). */
  idle(): boolean {
    return this.emptyLastPoll && this.ended && this.queue.length === 0;
  }

  idleWaitMs(): number {
    return 100;
  }

  async stop(): Promise<void> {
    this.rl?.close();
  }
}
