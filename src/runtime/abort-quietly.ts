/** What every stop aborts with; nothing reads it. */
const STOPPED = Object.freeze({ name: 'Stopped', message: 'stopped' });

/**
 * `controller.abort()` without a reason builds a DOMException, whose stack trace (async frames included) cost about
 * 1 ms a stop in a busy server, ten times the rest of the stop: profiled under 100 clients altering connectors.
 * Aborting with a ready-made reason costs nothing.
 */
export function abortQuietly(controller: AbortController): void {
  controller.abort(STOPPED);
}
