import readline from 'node:readline';
import { isError, type Entity } from '../engine/results.js';
import type { Printer } from '../cli/printer.js';
import { parseShellCommand, SHELL_HELP } from './commands.js';
import { inputState } from './input-buffer.js';

export interface PipedShellOptions {
  /** Runs statements (locally or on a server) and gives their results. */
  execute: (text: string, file: string | undefined) => Entity[] | Promise<Entity[]>;
  printer: Printer;
  input: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Shown in error locations, e.g. '<stdin>'. */
  label?: string;
  /** Ends a streaming PRINT (Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * Non-interactive shell: statements come from a pipe and run as soon as each is complete, so a long-lived
 * producer sees results as it goes. No prompts. An error does not stop later statements; the exit code says
 * whether any failed.
 */
export async function runPiped(opts: PipedShellOptions): Promise<number> {
  const rl = readline.createInterface({ input: opts.input, crlfDelay: Infinity, terminal: false });
  let buffer = '';
  let bufferStartLine = 1;
  let lineNo = 0;
  let failed = false;

  const run = async () => {
    // Pad with newlines so positions in errors are lines of the whole input, not of this chunk.
    const text = '\n'.repeat(bufferStartLine - 1) + buffer;
    buffer = '';
    try {
      const entities = await opts.execute(text, opts.label);
      if (entities.some(isError)) failed = true;
      await opts.printer.emit(entities, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      // What throws ends the shell (the server went away, a signal ended the wait); a stdin that is still open
      // and read from would keep the process alive.
      rl.close();
      throw err;
    }
  };

  for await (const line of rl) {
    lineNo += 1;
    if (buffer === '') {
      const cmd = parseShellCommand(line);
      if (cmd?.name === 'exit') break;
      if (cmd?.name === 'help') {
        // JSON Lines stay JSON Lines: the help text becomes one entity.
        opts.stdout.write(opts.printer.format === 'json' ? `${JSON.stringify({ '@type': 'help', text: SHELL_HELP })}\n` : `${SHELL_HELP}\n`);
        continue;
      }
      if (cmd) continue; // output/history/clear only make sense at a terminal; ignore them in a pipe
      bufferStartLine = lineNo;
    }
    buffer += `${line}\n`;
    // A statement can only end on a line with a ';': other lines never need the (whole-buffer) scan, except
    // blank and comment lines, after which a buffer of nothing but comments is dropped (so `exit` still works).
    if (!line.includes(';')) {
      const t = line.trim();
      if ((t === '' || t.startsWith('--')) && inputState(buffer) === 'empty') buffer = '';
      continue;
    }
    const state = inputState(buffer);
    if (state === 'complete') await run();
    else if (state === 'empty') buffer = '';
  }
  rl.close();
  // At the very end of input a missing ';' is accepted, as for scripts.
  if (inputState(buffer) !== 'empty') await run();
  return failed ? 1 : 0;
}
