import { describe, expect, it } from 'vitest';
import { Backoff, MIN_RETRY_DELAY_MS, sleep } from './backoff.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('Backoff', () => {
  it('never retries with a zero budget', () => {
    expect(new Backoff({ timeoutMs: 0, maxDelayMs: 60_000 }).next()).toBeUndefined();
  });

  it('doubles from 300 ms up to the cap, with jitter below the ceiling', () => {
    const c = clock();
    const b = new Backoff({ timeoutMs: -1, maxDelayMs: 2_000, jitter: 0, now: c.now });
    expect([1, 2, 3, 4, 5].map(() => b.next())).toEqual([MIN_RETRY_DELAY_MS, 600, 1200, 2000, 2000]);
    const j = new Backoff({ timeoutMs: -1, maxDelayMs: 60_000, jitter: 0.5, now: c.now, random: () => 1 });
    expect(j.next()).toBe(150);
  });

  it('stops once the time budget is spent and never sleeps past it', () => {
    const c = clock();
    const b = new Backoff({ timeoutMs: 1_000, maxDelayMs: 60_000, jitter: 0, now: c.now });
    expect(b.next()).toBe(300);
    c.advance(300);
    expect(b.next()).toBe(600);
    c.advance(600);
    expect(b.next()).toBe(100); // 1200 would overshoot the 1000 ms budget
    c.advance(100);
    expect(b.next()).toBeUndefined();
  });

  it('starts over after reset', () => {
    const c = clock();
    const b = new Backoff({ timeoutMs: 1_000, maxDelayMs: 60_000, jitter: 0, now: c.now });
    b.next();
    c.advance(5_000);
    b.reset();
    expect(b.next()).toBe(300);
    expect(b.attempts).toBe(1);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
