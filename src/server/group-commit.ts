import type { Catalog } from '../catalog/catalog.js';

/**
 * Group commit for statements from many clients. Every catalog change is a transaction whose commit must reach
 * the disk before it is acknowledged: one client after another, a hundred clients would queue behind a hundred
 * fsyncs. Requests that arrive in the same turn of the event loop are run together inside one outer transaction —
 * each statement keeps its own savepoint, so a failing one still changes nothing — and answered once the
 * catalog's flush (an fsync off the event loop, shared by the groups that commit meanwhile) has the commit on disk.
 * Reads go on while a flush runs.
 */
export class GroupCommit {
  private jobs: { run: () => void; answer: (committed: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly catalog: Catalog,
    /** Runs inside each group's transaction first (the history entries of reads answered since the last group). */
    private readonly before: () => void = () => undefined,
  ) {}

  /** Runs `run` in the next group; `answer` is called after the group's commit (with the error if it failed). */
  submit(run: () => void, answer: (failure: unknown) => void): void {
    this.jobs.push({ run, answer });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    let failure: unknown;
    try {
      this.catalog.transaction(() => {
        this.before();
        for (const j of jobs) j.run();
      });
    } catch (err) {
      failure = err;
    }
    if (failure !== undefined) {
      for (const j of jobs) j.answer(failure);
      return;
    }
    this.catalog.flush().then(
      () => {
        for (const j of jobs) j.answer(undefined);
      },
      (err: unknown) => {
        for (const j of jobs) j.answer(err);
      },
    );
  }
}
