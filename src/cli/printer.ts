import type { Entity, PrintEntity } from '../engine/results.js';
import { isError } from '../engine/results.js';
import { renderEntity } from '../render/entity.js';
import type { OutputFormat } from './options.js';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Streams a PRINT's records until its LIMIT or until the signal fires (Ctrl-C). */
export type PrintStreamer = (p: PrintEntity, signal: AbortSignal) => Promise<void>;

/**
 * Prints entities the same way for run, shell and (later) remote use. JSON: one entity per line on stdout,
 * errors included, so a program can read a single stream. Table: results on stdout, errors on stderr.
 */
export class Printer {
  private printedTable = false;

  constructor(
    readonly format: OutputFormat,
    private readonly streams: Streams,
    private readonly streamer?: PrintStreamer,
  ) {}

  print(entities: readonly Entity[], opts: { file?: string } = {}): void {
    for (const e of entities) this.printOne(e, opts);
  }

  /** Print, and stream the records of any PRINT statement among the results before going on. */
  async emit(entities: readonly Entity[], opts: { file?: string; signal?: AbortSignal } = {}): Promise<void> {
    for (const e of entities) {
      this.printOne(e, opts);
      if (e['@type'] === 'print_topic' && this.streamer) {
        await this.streamer(e, opts.signal ?? new AbortController().signal);
      }
    }
  }

  private printOne(e: Entity, opts: { file?: string }): void {
    if (this.format === 'json') {
      this.streams.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    const text = renderEntity(e, opts);
    if (text === '') return;
    const stream = isError(e) ? this.streams.stderr : this.streams.stdout;
    // A blank line between results, as ksqlDB's CLI separates entities.
    if (this.printedTable && !isError(e)) stream.write('\n');
    stream.write(`${text}\n`);
    if (!isError(e)) this.printedTable = true;
  }
}
