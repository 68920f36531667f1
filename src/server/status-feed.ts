import type { SecretRedactor } from '../sql/secret-redactor.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ConnectorRecord } from '../catalog/types.js';
import { activityInfo } from '../engine/activity.js';
import type { ActivityInfo } from '../engine/results.js';
import { connectorStatus, typeName } from '../engine/connector-lookup.js';
import { sinkLag } from '../engine/connector-offsets.js';
import type { RuntimeView } from '../runtime/runtime.js';

/** A connector's state as pushed to subscribers. */
export interface ConnectorEvent {
  event: 'connector';
  change: 'created' | 'state' | 'dropped';
  connector: string;
  type: 'source' | 'sink';
  state: string;
  trace?: string;
  /** What the connector itself is busy with (connecting to split its work), as DESCRIBE shows it. */
  activity?: ActivityInfo;
  tasks: { id: number; state: string; trace?: string; activity?: ActivityInfo }[];
  lastError?: { message: string; at: string };
}

export interface ConnectorMetrics {
  name: string;
  type: 'source' | 'sink';
  state: string;
  recordsIn: number;
  recordsOut: number;
  errors: number;
  /** Sinks: records in their topics not committed yet. */
  lag?: number;
  /** Since the previous metrics event. */
  inPerSecond: number;
  outPerSecond: number;
}

export interface MetricsEvent {
  event: 'metrics';
  at: string;
  connectors: ConnectorMetrics[];
}

export type FeedEvent = ConnectorEvent | MetricsEvent;

/**
 * Watches every connector and tells subscribers of each change of state (created, RUNNING, PAUSED, FAILED with
 * its trace, dropped…) within `pollMs`, and of throughput and lag every `metricsMs`. It reads the runtime's
 * in-memory status, so watching costs no I/O; it only runs while somebody subscribes.
 */
export class StatusFeed {
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private readonly last = new Map<number, { record: ConnectorRecord; key: string }>();
  private readonly totals = new Map<string, { recordsIn: number; recordsOut: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private lastMetrics = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly runtime: RuntimeView | undefined,
    private readonly redactor: SecretRedactor,
    private readonly opts: { pollMs?: number; metricsMs?: number } = {},
  ) {}

  subscribe(listener: (e: FeedEvent) => void): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Every connector as it is now (what a new subscriber is sent first). */
  current(): ConnectorEvent[] {
    return this.catalog.listConnectors().map((r) => this.connectorEvent(r, 'state'));
  }

  /** Throughput and lag of every connector now; rates are since the previous call that counted them. */
  metrics(countRates = true): MetricsEvent {
    const now = Date.now();
    const connectors = this.catalog.listConnectors().map((r): ConnectorMetrics => {
      const status = connectorStatus({ runtime: this.runtime, catalog: this.catalog, redactor: this.redactor }, r);
      const sum = (f: 'recordsIn' | 'recordsOut' | 'errors') => (status?.tasks ?? []).reduce((n, t) => n + t[f], 0);
      const m: ConnectorMetrics = {
        name: r.name,
        type: typeName(r.type),
        state: status?.state ?? 'UNASSIGNED',
        recordsIn: sum('recordsIn'),
        recordsOut: sum('recordsOut'),
        // A connector that failed to start has no task to count it.
        errors: sum('errors') + (status?.errors ?? 0),
        inPerSecond: 0,
        outPerSecond: 0,
      };
      const lag = sinkLag({ runtime: this.runtime, catalog: this.catalog }, r);
      if (lag !== undefined) m.lag = lag;
      const before = this.totals.get(r.name);
      if (!countRates) return m;
      if (before && now > before.at) {
        m.inPerSecond = Math.max(0, Math.round(((m.recordsIn - before.recordsIn) * 1000) / (now - before.at)));
        m.outPerSecond = Math.max(0, Math.round(((m.recordsOut - before.recordsOut) * 1000) / (now - before.at)));
      }
      this.totals.set(r.name, { recordsIn: m.recordsIn, recordsOut: m.recordsOut, at: now });
      return m;
    });
    return { event: 'metrics', at: new Date(now).toISOString(), connectors };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.last.clear();
    for (const r of this.catalog.listConnectors()) this.last.set(r.id, { record: r, key: this.key(this.connectorEvent(r, 'state')) });
    this.lastMetrics = Date.now();
    this.timer = setInterval(() => this.tick(), this.opts.pollMs ?? 200);
    this.timer.unref();
  }

  private tick(): void {
    const seen = new Set<number>();
    for (const r of this.catalog.listConnectors()) {
      seen.add(r.id);
      const before = this.last.get(r.id);
      const event = this.connectorEvent(r, before ? 'state' : 'created');
      const key = this.key(event);
      if (before?.key === key) continue;
      this.last.set(r.id, { record: r, key });
      this.emit(event);
    }
    for (const [id, { record }] of this.last) {
      if (seen.has(id)) continue;
      this.last.delete(id);
      this.totals.delete(record.name);
      this.emit({ event: 'connector', change: 'dropped', connector: record.name, type: typeName(record.type), state: 'DROPPED', tasks: [] });
    }
    if (Date.now() - this.lastMetrics >= (this.opts.metricsMs ?? 5000)) {
      this.lastMetrics = Date.now();
      this.emit(this.metrics());
    }
  }

  private connectorEvent(r: ConnectorRecord, change: ConnectorEvent['change']): ConnectorEvent {
    const status = connectorStatus({ runtime: this.runtime, catalog: this.catalog, redactor: this.redactor }, r);
    const now = Date.now();
    const e: ConnectorEvent = {
      event: 'connector',
      change,
      connector: r.name,
      type: typeName(r.type),
      state: status?.state ?? (r.desiredState === 'PAUSED' ? 'PAUSED' : 'UNASSIGNED'),
      tasks: (status?.tasks ?? []).map((t) => ({
        id: t.id,
        state: t.state,
        ...(t.trace !== undefined ? { trace: t.trace } : {}),
        ...(t.activity !== undefined && r.desiredState !== 'PAUSED' ? { activity: activityInfo(t.activity, now) } : {}),
      })),
    };
    if (status?.trace !== undefined) e.trace = status.trace;
    if (status?.activity !== undefined && r.desiredState !== 'PAUSED') e.activity = activityInfo(status.activity, now);
    if (status?.lastError) e.lastError = status.lastError;
    return e;
  }

  /** What makes two events the same change: states, traces and activities (each attempt), not counters or the time left. */
  private key(e: ConnectorEvent): string {
    const still = (a: ActivityInfo | undefined) => (a === undefined ? null : { ...a, description: undefined, nextAttemptInMs: undefined });
    const tasks = e.tasks.map((t) => ({ ...t, activity: still(t.activity) }));
    return JSON.stringify([e.state, e.trace ?? null, still(e.activity), tasks, e.lastError?.message ?? null]);
  }

  private emit(e: FeedEvent): void {
    for (const l of this.listeners) l(e);
  }
}
