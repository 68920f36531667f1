/**
 * Jittered exponential backoff bounded by a total time budget, as Kafka Connect's RetryWithToleranceOperator:
 * delays start at 300 ms, double, are capped by errors.retry.delay.max.ms and stop once errors.retry.timeout
 * is spent (0 = never retry, -1 = retry for ever). Jitter spreads retries of many tasks hitting one database.
 */
export const MIN_RETRY_DELAY_MS = 300;

export interface BackoffOptions {
  /** Total time to keep retrying, in ms; 0 = no retries, -1 = unlimited. */
  timeoutMs: number;
  maxDelayMs: number;
  /** 0..1: each delay is drawn from [d·(1−jitter), d]. */
  jitter?: number;
  now?: () => number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private startedAt: number | undefined;

  constructor(private readonly opts: BackoffOptions) {}

  /** The delay before the next attempt, or undefined when the budget is spent. Starts the clock on first call. */
  next(): number | undefined {
    const now = (this.opts.now ?? Date.now)();
    this.startedAt ??= now;
    const { timeoutMs } = this.opts;
    if (timeoutMs === 0) return undefined;
    const elapsed = now - this.startedAt;
    if (timeoutMs > 0 && elapsed >= timeoutMs) return undefined;
    const ceiling = Math.min(this.opts.maxDelayMs, MIN_RETRY_DELAY_MS * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const jitter = this.opts.jitter ?? 0.2;
    let delay = ceiling * (1 - jitter * (this.opts.random ?? Math.random)());
    // Never sleep past the budget: the last attempt happens right at its end.
    if (timeoutMs > 0) delay = Math.min(delay, timeoutMs - elapsed);
    return Math.max(0, Math.round(delay));
  }

  /** After a success the next failure starts over. */
  reset(): void {
    this.attempt = 0;
    this.startedAt = undefined;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** Resolves after ms, or at once (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
