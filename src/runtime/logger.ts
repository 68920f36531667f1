import type { TaskLogger } from '../connectors/api.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger extends TaskLogger {
  child(name: string): Logger;
}

let stderrLines: ((line: string) => void) | undefined;

/**
 * A line for stderr: log lines, and notices such as a remote shell's reconnecting. While the interactive shell
 * owns the terminal it takes them, to print them above its prompt and redraw what is being typed.
 */
export function writeStderrLine(line: string): void {
  if (stderrLines) stderrLines(line);
  else process.stderr.write(`${line}\n`);
}

/** Sends stderr lines to `write` instead (undefined: to stderr again). */
export function routeStderrLines(write: ((line: string) => void) | undefined): void {
  stderrLines = write;
}

/**
 * Plain-text log lines on stderr: `2026-11-22T02:11:00.000Z WARN [jdbc-users/0] message`. Every line passes
 * through `redact` first, so a secret that reaches a message (a driver error echoing a password) is masked.
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; redact?: (s: string) => string; name?: string } = {}): Logger {
  const level = opts.level ?? 'warn';
  const write = opts.write ?? writeStderrLine;
  const redact = opts.redact ?? ((s: string) => s);
  const make = (name: string | undefined): Logger => {
    const emit = (l: LogLevel, message: string) => {
      if (ORDER[l] < ORDER[level]) return;
      write(redact(`${new Date().toISOString()} ${l.toUpperCase()}${name ? ` [${name}]` : ''} ${message}`));
    };
    return {
      debug: (m) => emit('debug', m),
      info: (m) => emit('info', m),
      warn: (m) => emit('warn', m),
      error: (m) => emit('error', m),
      child: (child) => make(name ? `${name}/${child}` : child),
    };
  };
  return make(opts.name);
}

export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? 'warn').toLowerCase();
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'warn';
}
