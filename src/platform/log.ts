/**
 * The log connectors write to and read from: durable topics of partitions of records, as in Kafka. The embedded
 * implementation (src/platform/embedded) is the default; a Kafka implementation can stand behind the same
 * interface. Offsets are per partition, dense, starting at 0.
 */

import type { EncodedBatch } from './encoded-batch.js';

export type Headers = Record<string, string>;

/** What a producer hands to the log. `value` and `key` are JSON-serialisable (null for tombstones). */
export interface ProducerRecord {
  topic: string;
  /** Explicit partition; otherwise chosen from the key's hash (keyless records round-robin). */
  partition?: number;
  key: unknown;
  value: unknown;
  timestamp?: number;
  headers?: Headers;
}

export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: unknown;
  value: unknown;
  headers: Headers;
  /**
   * The value's JSON text as the log holds it (null for null), when it holds text: a sink that writes JSON copies
   * it instead of serialising `value` again.
   */
  readonly valueJson?: string | null;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicInfo {
  name: string;
  partitions: number;
  createdAt: string;
  /** Per partition: first retained offset and next offset to be written. */
  offsets: { partition: number; start: number; end: number }[];
  retentionMs: number | undefined;
  retentionBytes: number | undefined;
}

export interface TopicConfig {
  partitions?: number;
  retentionMs?: number;
  retentionBytes?: number;
}

/** A source connector's position in its own source system, stored by the runtime (opaque to the log). */
export interface SourceOffset {
  /** Identifies the row: compared as canonical JSON, so the order of its keys does not matter. */
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

/** A sink's committed position in one topic partition, plus state the sink keeps consistent with it. */
export interface SinkPosition extends TopicPartition {
  /** Next offset to read. */
  offset: number;
}

export interface SinkCommit {
  positions: SinkPosition[];
  /** Opaque sink state committed atomically with the positions (e.g. the file sink's byte length). */
  state?: unknown;
}

/**
 * Async throughout: the embedded log answers at once, but a Kafka-backed log cannot, and the runtime must not
 * care which one it has.
 */
export interface Log {
  /** Create a topic if missing; returns its info. */
  ensureTopic(name: string, config?: TopicConfig): Promise<TopicInfo>;
  listTopics(): Promise<TopicInfo[]>;
  describeTopic(name: string): Promise<TopicInfo | undefined>;
  /**
   * Append records, auto-creating their topics; returns the assigned positions in order. With `commit`, the
   * source offsets are committed in the SAME transaction as the records (effectively-once for sources).
   */
  append(records: readonly ProducerRecord[], commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }): Promise<(TopicPartition & { offset: number })[]>;
  /** As `append`, for records already encoded (see encodeBatch) — e.g. by a source's worker thread — without positions. */
  appendEncoded(batch: EncodedBatch, commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }): Promise<void>;
  /** Commit source offsets on their own (at-least-once: after append; at-most-once: before). */
  commitSourceOffsets(connector: string, offsets: readonly SourceOffset[]): Promise<void>;
  /** Every committed source offset of a connector. */
  listSourceOffsets(connector: string): Promise<SourceOffset[]>;
  /**
   * Read up to `max` records of one partition from `offset` (inclusive); [] when there is nothing yet (also for a
   * topic that does not exist yet). An offset already removed by retention reads from the first retained record.
   */
  read(tp: TopicPartition, offset: number, max: number): Promise<LogRecord[]>;
  /**
   * Resolves when any of the partitions may have records at or after the given offsets, or after `timeoutMs`.
   * Also resolves (never rejects) when `signal` aborts; callers re-check `signal.aborted` and re-read.
   */
  waitForData(positions: readonly SinkPosition[], timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Committed positions and state of a sink connector (its consumer group). */
  readSinkCommit(connector: string): Promise<SinkCommit>;
  /**
   * Atomically: each given position replaces that partition's committed one (partitions not given keep theirs),
   * and `state` replaces the previous state (undefined removes it).
   */
  commitSink(connector: string, commit: SinkCommit): Promise<void>;
  /** Forget every committed source offset and sink position of a connector (RESET OFFSETS). */
  resetOffsets(connector: string): Promise<void>;
  /** Apply retention now (the runtime also calls it periodically). Returns how many records were removed. */
  enforceRetention(now?: number): Promise<number>;
  close(): Promise<void>;
}
