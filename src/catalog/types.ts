/** Rows of the catalog as the engine sees them. Timestamps are ISO-8601 UTC strings (`Date#toISOString`). */

export type ConnectorKind = 'SOURCE' | 'SINK';
export type DesiredState = 'RUNNING' | 'PAUSED';

export interface ConnectorRecord {
  /** Stable, never reused (AUTOINCREMENT): runtime tables (status, offsets) will reference it. */
  id: number;
  name: string;
  type: ConnectorKind;
  className: string;
  config: Record<string, string>;
  desiredState: DesiredState;
  /** Bumped by RESTART; the scheduler restarts tasks whose generation it has not seen yet. */
  restartGeneration: number;
  /** Config version: 1 after CREATE, +1 per ALTER. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ConfigVersion {
  connectorId: number;
  name: string;
  version: number;
  config: Record<string, string>;
  /** Already masked by the caller: the catalog never sees a secret in statement text. */
  statementText: string;
  change: 'CREATE' | 'ALTER';
  createdAt: string;
}

export interface StatementRecord {
  id: number;
  executedAt: string;
  kind: string;
  /** Masked by the caller. */
  text: string;
  ok: boolean;
  errorCode?: string;
  /** Where the statement came from, e.g. 'shell', 'run:file.sql'. */
  source?: string;
}

/** Kafka Connect's states (AbstractStatus), for a connector and for each of its tasks. */
export type RuntimeState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING';

/**
 * What a task or a connector is busy with, beside its state (Kafka Connect's states say nothing of it): connecting
 * to its system, waiting to try again after a failure, waiting for its input to appear.
 */
export interface ActivityRecord {
  phase: 'connecting' | 'retrying' | 'waiting';
  /** What it connects to, retries or waits for, in words: "PostgreSQL at db:5432/test", "poll", "file '/x'". */
  what: string;
  /** When this stretch of activity began (a retry of a connection keeps the time the connecting began). */
  since: string;
  /** The attempt under way (connecting) or the one that failed (retrying), from 1. */
  attempt?: number;
  /** How many attempts are allowed, when it is a number (not a time budget). */
  attempts?: number;
  /** When the next attempt is due (retrying). */
  nextAt?: string;
  /** The last failed attempt's error, in one line. */
  lastError?: string;
}

export interface TaskStatusRecord {
  id: number;
  state: RuntimeState;
  /** The error that failed the task, when FAILED. */
  trace?: string;
  recordsIn: number;
  recordsOut: number;
  errors: number;
  activity?: ActivityRecord;
}

/** What the runtime last observed of a connector, persisted so it survives the process. */
export interface ConnectorStatusRecord {
  state: RuntimeState;
  trace?: string;
  workerId: string;
  tasks: TaskStatusRecord[];
  /** The last error of any kind (also retried ones), for DESCRIBE. */
  lastError?: { message: string; at: string };
  /** Topics a source has written to. */
  topics?: string[];
  /** Failures of the connector itself (to start, to split into tasks), over all its runs; task errors are per task. */
  errors?: number;
  /** What the connector itself (not a task) is busy with: connecting to split its work into tasks. */
  activity?: ActivityRecord;
  updatedAt: string;
}
