import type { Entity } from '../engine/results.js';
import { isError } from '../engine/results.js';
import { renderEntity } from '../render/entity.js';
import type { OutputFormat } from './options.js';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Prints entities the same way for run, shell and (later) remote use. JSON: one entity per line on stdout,
 * errors included, so a program can read a single stream. Table: results on stdout, errors on stderr.
 */
export class Printer {
  private printedTable = false;

  constructor(
    private readonly format: OutputFormat,
    private readonly streams: Streams,
  ) {}

  print(entities: readonly Entity[], opts: { file?: string } = {}): void {
    for (const e of entities) {
      if (this.format === 'json') {
        this.streams.stdout.write(`${JSON.stringify(e)}\n`);
        continue;
      }
      const text = renderEntity(e, opts);
      if (text === '') continue;
      const stream = isError(e) ? this.streams.stderr : this.streams.stdout;
      // A blank line between results, as ksqlDB's CLI separates entities.
      if (this.printedTable && !isError(e)) stream.write('\n');
      stream.write(`${text}\n`);
      if (!isError(e)) this.printedTable = true;
    }
  }
}
