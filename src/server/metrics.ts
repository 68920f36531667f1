import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { StatusFeed } from './status-feed.js';

const STATES = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING'] as const;

/**
 * `GET /metrics`: Prometheus text from prom-client, read from the status feed when scraped (per connector:
 * records in and out and errors as counters, sink lag, state as a one-hot gauge, tasks by state) plus the
 * process's default metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Totals last reported per connector, so counters only ever grow (a re-created connector starts again). */
  private readonly reported = new Map<string, { recordsIn: number; recordsOut: number; errors: number }>();

  constructor(feed: StatusFeed) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sluice_' });
    const labelNames = ['connector', 'type'] as const;
    const reported = this.reported;
    // Registered first: prom-client reads metrics in order, so the others must be filled in before they are read.
    new Gauge({
      name: 'sluice_connectors',
      help: 'Connectors in the catalog.',
      registers: [this.registry],
      collect() {
        const m = feed.metrics(false);
        const names = new Set(m.connectors.map((c) => c.name));
        for (const gone of [...reported.keys()].filter((n) => !names.has(n))) {
          reported.delete(gone);
          for (const metric of [recordsIn, recordsOut, errors, lag]) {
            metric.remove({ connector: gone, type: 'source' });
            metric.remove({ connector: gone, type: 'sink' });
          }
          for (const s of STATES) for (const type of ['source', 'sink']) state.remove({ connector: gone, type, state: s });
        }
        for (const c of m.connectors) {
          const labels = { connector: c.name, type: c.type };
          const before = reported.get(c.name) ?? { recordsIn: 0, recordsOut: 0, errors: 0 };
          const grow = (counter: Counter<'connector' | 'type'>, now: number, then: number) => {
            if (now < then) counter.remove(labels);
            const from = now < then ? 0 : then;
            if (now > from) counter.inc(labels, now - from);
            else if (now === 0) counter.inc(labels, 0);
          };
          grow(recordsIn, c.recordsIn, before.recordsIn);
          grow(recordsOut, c.recordsOut, before.recordsOut);
          grow(errors, c.errors, before.errors);
          reported.set(c.name, { recordsIn: c.recordsIn, recordsOut: c.recordsOut, errors: c.errors });
          if (c.lag !== undefined) lag.set(labels, c.lag);
          for (const s of STATES) state.set({ ...labels, state: s }, c.state === s ? 1 : 0);
        }
        this.set(m.connectors.length);
      },
    });
    const recordsIn = new Counter({ name: 'sluice_connector_records_in_total', help: 'Records a connector read: polled by a source, read from the log by a sink.', labelNames, registers: [this.registry] });
    const recordsOut = new Counter({ name: 'sluice_connector_records_out_total', help: 'Records a connector delivered: written to the log by a source, written out by a sink.', labelNames, registers: [this.registry] });
    const errors = new Counter({ name: 'sluice_connector_errors_total', help: 'Failed attempts of a connector and its tasks (retried ones included) and records skipped by errors.tolerance=all.', labelNames, registers: [this.registry] });
    const lag = new Gauge({ name: 'sluice_connector_lag_records', help: "Records in a sink's topics it has not committed yet.", labelNames, registers: [this.registry] });
    const state = new Gauge({ name: 'sluice_connector_state', help: 'Connector state: 1 for the current one.', labelNames: ['connector', 'type', 'state'], registers: [this.registry] });

  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
