import type { SinkRecord } from '../connectors/api.js';
import type { ProducerRecord } from '../platform/log.js';
import type { Logger } from './logger.js';
import { describeError } from './task-status.js';

export interface ErrantRecordOptions {
  connector: string;
  taskId: number;
  /** errors.tolerance: 'none' fails the task on a bad record, 'all' skips it. */
  tolerance: 'none' | 'all';
  /** errors.log.enable / errors.log.include.messages. */
  logEnable: boolean;
  includeMessages: boolean;
  /** errors.deadletterqueue.topic.name; empty = no DLQ. */
  dlqTopic: string;
  /** errors.deadletterqueue.context.headers.enable. */
  dlqHeaders: boolean;
  /** Where dead letter queue records go. */
  log: { append(records: readonly ProducerRecord[]): Promise<unknown> };
  logger: Logger;
}

/**
 * What happens to a record a sink cannot write, as Kafka Connect's errors.* settings say: with tolerance 'all'
 * it is logged (if errors.log.enable), copied to the dead letter queue topic (if one is named, with
 * __connect.errors.* headers if asked), and skipped; with 'none' the task fails.
 */
export class ErrantRecords {
  constructor(private readonly o: ErrantRecordOptions) {}

  get tolerant(): boolean {
    return this.o.tolerance === 'all';
  }

  async report(record: SinkRecord, err: unknown, stage: string): Promise<void> {
    const where = `${record.topic}/${record.partition}@${record.offset}`;
    if (this.o.logEnable) {
      const body = this.o.includeMessages ? ` key=${JSON.stringify(record.key)} value=${JSON.stringify(record.value)}` : '';
      this.o.logger.error(`error tolerated in stage ${stage} for record ${where}: ${describeError(err)}${body}`);
    }
    if (this.o.dlqTopic === '') return;
    const headers: Record<string, string> = { ...record.headers };
    if (this.o.dlqHeaders) {
      const e = err instanceof Error ? err : new Error(String(err));
      Object.assign(headers, {
        '__connect.errors.topic': record.topic,
        '__connect.errors.partition': String(record.partition),
        '__connect.errors.offset': String(record.offset),
        '__connect.errors.connector.name': this.o.connector,
        '__connect.errors.task.id': String(this.o.taskId),
        '__connect.errors.stage': stage,
        '__connect.errors.exception.class.name': e.name,
        '__connect.errors.exception.message': e.message,
      });
    }
    await this.o.log.append([{ topic: this.o.dlqTopic, key: record.key, value: record.value, timestamp: record.timestamp, headers }]);
  }
}
