import type { PrintEntity } from '../engine/results.js';
import type { Log, LogRecord, SinkPosition } from '../platform/log.js';
import type { OutputFormat } from './options.js';
import { PrintFormats } from './print-formats.js';

const WAIT_MS = 500;
const BATCH = 500;

/** A key or value as PRINT shows it: a string as it is, anything else as JSON; null for none. */
export function printText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function show(v: unknown): string {
  return printText(v) ?? '<null>';
}

/** ksqlDB's PRINT line: `rowtime: 2026/11/22 02:11:00.000 Z, key: …, value: …, partition: 0`. */
export function printLine(r: LogRecord): string {
  const t = new Date(r.timestamp).toISOString().replace('T', ' ').replace(/-/g, '/').replace('Z', ' Z');
  return `rowtime: ${t}, key: ${show(r.key)}, value: ${show(r.value)}, partition: ${r.partition}`;
}

export function printRecord(r: LogRecord): Record<string, unknown> {
  return { '@type': 'print_record', topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
}

/**
 * Stream a topic's records until LIMIT records were printed or the signal fires (Ctrl-C). FROM BEGINNING starts
 * at the oldest retained record, otherwise at the end (only new records), as ksqlDB does. INTERVAL n prints
 * every n-th record. A topic that does not exist yet is waited for.
 */
export async function streamPrint(p: PrintEntity, log: Log, write: (line: string) => void, format: OutputFormat, signal: AbortSignal): Promise<number> {
  if (format === 'json') return printRecords(p, log, (r) => write(JSON.stringify(printRecord(r))), signal);
  const formats = new PrintFormats();
  return printRecords(p, log, (r) => write(printLines(r, formats)), signal);
}

/** A record's PRINT line, after the format lines it changed (ksqlDB prints them when the guess changes). */
export function printLines(r: LogRecord, formats: PrintFormats): string {
  return [...formats.linesBefore(r), printLine(r)].join('\n');
}

/** The records PRINT shows, handed to `emit` (awaited: a slow reader slows the stream). Returns how many. */
export async function printRecords(p: PrintEntity, log: Log, emit: (r: LogRecord) => void | Promise<void>, signal: AbortSignal): Promise<number> {
  let positions: SinkPosition[] | undefined;
  let printed = 0;
  let seen = 0;
  const every = Math.max(1, p.interval ?? 1);
  const topic = p.topic;
  while (!signal.aborted && (p.limit === undefined || printed < p.limit)) {
    if (!positions) {
      const info = await log.describeTopic(topic);
      if (!info) {
        await log.waitForData([], WAIT_MS, signal);
        continue;
      }
      positions = info.offsets.map((o) => ({ topic, partition: o.partition, offset: p.fromBeginning ? o.start : o.end }));
    }
    let got = 0;
    for (const pos of positions) {
      const records = await log.read(pos, pos.offset, BATCH);
      for (const r of records) {
        if (signal.aborted) return printed;
        pos.offset = r.offset + 1;
        got += 1;
        if (seen++ % every !== 0) continue;
        await emit(r);
        printed += 1;
        if (p.limit !== undefined && printed >= p.limit) return printed;
      }
    }
    if (got === 0) await log.waitForData(positions, WAIT_MS, signal);
    // The embedded log reads synchronously and a fast reader never makes a write wait: without a turn for other
    // work after each batch, a server catching up on a big topic would answer nothing else until it is done.
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return printed;
}
