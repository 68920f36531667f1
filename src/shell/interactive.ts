import readline from 'node:readline';
import { parseOutput, type OutputFormat } from '../cli/options.js';
import { Printer, type PrintStreamer } from '../cli/printer.js';
import { VERSION } from '../cli/version.js';
import { allFieldsFor } from '../connectors/framework.js';
import type { Engine } from '../engine/engine.js';
import type { Entity } from '../engine/results.js';
import { toSluiceError } from '../errors/base.js';
import { routeStderrLines } from '../runtime/logger.js';
import { renderEntity } from '../render/entity.js';
import { renderCommandError } from '../render/error.js';
import { parseShellCommand, SHELL_HELP, type ShellCommand } from './commands.js';
import { complete, type CompletionContext } from './completer.js';
import { DEFAULT_HISTORY_SIZE, historyEntry, ShellHistory } from './history.js';
import { inputState } from './input-buffer.js';

export interface InteractiveShellOptions {
  /** Streams PRINT results; without it PRINT prints nothing beyond its header. */
  streamer?: PrintStreamer;
  /** Runs complete statements (here, or on a server) and gives their results; Ctrl-C fires the signal. */
  execute: (text: string, signal: AbortSignal) => Entity[] | Promise<Entity[]>;
  completion: CompletionContext;
  format: OutputFormat;
  historyFile: string;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** The banner's second line: where statements go ('Data directory: …' or 'Server: …'). */
  where: string;
  /** Where errors go; stderr unless a test wants them elsewhere. At a terminal both end up on screen. */
  errorOutput?: NodeJS.WritableStream;
}

export const PROMPT = 'sluice> ';
/** Same width as PROMPT so continuation lines stay aligned with the first line of the statement. */
export const CONTINUATION_PROMPT = `${' '.repeat(PROMPT.length - 2)}> `;

/** What completion needs from the engine: the catalog's connectors and the registry's schemas. */
export function completionContext(engine: Engine): CompletionContext {
  return {
    connectorNames: () => engine.catalog.listConnectors().map((c) => c.name),
    keysForClass: (cls) => {
      const def = engine.registry.resolve(cls);
      return def && allFieldsFor(def).map((f) => f.key);
    },
    classNames: () => engine.registry.list().flatMap((d) => [...d.aliases, d.name, d.className]),
    classOfConnector: (name) => engine.catalog.findConnectorIgnoringCase(name)?.className,
  };
}

function banner(where: string): string {
  return [`Sluice ${VERSION}, SQL-driven connector manager`, where, `Type 'help' for help, 'exit' (or Ctrl-D) to leave.`, '', ''].join('\n');
}

/**
 * The interactive shell (a terminal on both ends): ksqlDB's CLI conventions with psql's manners. Input
 * accumulates until it forms complete statements (';' outside quotes and comments), then runs as one unit.
 * Always returns 0: errors are shown, not turned into an exit status, as in psql and ksqlDB's CLI.
 */
export async function runInteractive(opts: InteractiveShellOptions): Promise<number> {
  const { output } = opts;
  const errorOutput = opts.errorOutput ?? process.stderr;
  let format = opts.format;
  const history = new ShellHistory(opts.historyFile, { onWarning: (m) => errorOutput.write(`sluice: ${m}\n`) });
  history.load();

  // readline keeps its own list, newest first, and adds every physical line to it. We own the array it uses
  // and put it back to our entries (whole statements, masked) whenever readline adds to it.
  const recall: string[] = [];
  const syncRecall = () => recall.splice(0, recall.length, ...[...history.entries].reverse());
  syncRecall();

  let buffer = '';
  // Ctrl-D leaves the cursor after the prompt; `exit` has already moved to a new line.
  let exitedByCommand = false;
  const ctx = opts.completion;
  const rl = readline.createInterface({
    input: opts.input,
    output,
    terminal: true,
    prompt: PROMPT,
    history: recall,
    historySize: DEFAULT_HISTORY_SIZE,
    // readline hands over only the current line; the statement may have begun lines earlier.
    completer: (line: string): [string[], string] => {
      try {
        const { candidates, replace } = complete(buffer === '' ? line : `${buffer}\n${line}`, ctx);
        // readline can only replace text on the current line.
        if (replace.includes('\n') || !line.endsWith(replace)) return [[], ''];
        // A unique completion ends the word, as in bash and psql, so the next word can follow at once — unless it
        // ends with its own separator (' = ' after a key) or is left open (a key prefix such as 'value.converter.).
        const only = candidates.length === 1 ? candidates[0]! : undefined;
        const leftOpen = only !== undefined && (only.endsWith(' ') || /^'(?:[^']|'')*$/.test(only));
        return [only === undefined ? candidates : [leftOpen ? only : `${only} `], replace];
      } catch {
        return [[], ''];
      }
    },
  });
  rl.on('history', syncRecall);

  // Whether the prompt is on screen, waiting for input (not while a statement runs or a PRINT streams).
  let prompting = false;
  const prompt = () => {
    rl.setPrompt(buffer === '' ? PROMPT : CONTINUATION_PROMPT);
    rl.prompt();
    prompting = true;
  };

  // Log lines and notices come at any time. Over the prompt they would run into what is being typed: the prompt
  // and the input are taken off the screen, the line printed, and both drawn again with the cursor where it was.
  const stderrLine = (line: string) => {
    if (!prompting) {
      errorOutput.write(`${line}\n`);
      return;
    }
    const { rows } = rl.getCursorPos();
    readline.moveCursor(output, 0, -rows);
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
    errorOutput.write(`${line}\n`);
    // readline redraws from as many rows above as the cursor was below the prompt: those rows, blank, are the ones
    // it goes back up over.
    output.write('\n'.repeat(rows));
    rl.prompt(true);
  };
  routeStderrLines(stderrLine);

  // readline's Ctrl-L clears the screen and draws the prompt again — also while a statement runs or a PRINT
  // streams, where there is no prompt: its rows would follow that stray prompt. Then only the screen is cleared.
  const onKeypress = (_s: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (prompting || !key?.ctrl || key.name !== 'l') return;
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
  };
  opts.input.on('keypress', onKeypress);

  const remember = (text: string) => {
    if (history.add(historyEntry(text))) syncRecall();
  };

  // While statements run (on a server they take a round trip) or a PRINT streams, lines typed ahead wait their
  // turn; readline keeps reading (not paused) so that Ctrl-C, a keypress in raw mode, can stop a PRINT.
  let busy: AbortController | undefined;
  const typedAhead: string[] = [];
  const execute = (text: string) => {
    remember(text);
    busy = new AbortController();
    const signal = busy.signal;
    void (async () => {
      try {
        const entities = await opts.execute(text, signal);
        // A blank line before results, as ksqlDB's CLI does, so output stands apart from the input above it.
        // (Not for statements that print nothing in table mode, such as DEFINE.)
        if (format === 'table' && entities.some((e) => renderEntity(e) !== '')) output.write('\n');
        const printer = new Printer(format, { stdout: output, stderr: errorOutput }, opts.streamer);
        // PRINT streams until its LIMIT or Ctrl-C; the prompt comes back when it ends.
        await printer.emit(entities, { signal });
      } catch (err) {
        // Statement failures come back as entities; anything thrown (the server not answering…) must not end the session.
        errorOutput.write(renderCommandError(toSluiceError(err)));
      } finally {
        busy = undefined;
        // Each line typed ahead prompts for itself (or starts the next statement).
        if (typedAhead.length === 0) prompt();
        while (!busy && typedAhead.length > 0) onLine(typedAhead.shift()!);
      }
    })();
  };

  const runCommand = (cmd: ShellCommand, line: string) => {
    if (cmd.name !== 'exit') remember(line);
    switch (cmd.name) {
      case 'exit':
        exitedByCommand = true;
        rl.close();
        return;
      case 'help':
        output.write(`${SHELL_HELP}\n`);
        break;
      case 'history':
        history.entries.forEach((e, i) => output.write(`${String(i + 1).padStart(5)}  ${e}\n`));
        break;
      case 'clear':
        readline.cursorTo(output, 0, 0);
        readline.clearScreenDown(output);
        break;
      case 'output':
        if (cmd.format === undefined) {
          output.write(`Output format is ${format}\n`);
          break;
        }
        try {
          format = parseOutput(cmd.format);
          output.write(`Output format set to ${format}\n`);
        } catch {
          errorOutput.write(`output: expected table or json, not '${cmd.format}'\n`);
        }
        break;
    }
    prompt();
  };

  const onLine = (line: string) => {
    if (buffer === '') {
      const cmd = parseShellCommand(line);
      if (cmd) {
        runCommand(cmd, line);
        return;
      }
    }
    buffer = buffer === '' ? line : `${buffer}\n${line}`;
    const state = inputState(buffer);
    if (state !== 'incomplete') {
      const text = buffer;
      buffer = '';
      if (state === 'complete') execute(text);
    }
    if (!busy) prompt();
  };
  rl.on('line', (line) => {
    prompting = false;
    if (busy) typedAhead.push(line);
    else onLine(line);
  });

  // Ctrl-C abandons the input so far (every line of it) and starts afresh, as in psql; it never exits.
  rl.on('SIGINT', () => {
    if (busy) {
      busy.abort();
      return;
    }
    buffer = '';
    rl.write(null, { ctrl: true, name: 'e' }); // to the end of the line, so ^C is printed after what was typed
    output.write('^C');
    clearLine(rl);
    prompt();
  });

  const closed = new Promise<void>((resolve) => {
    // Ctrl-D on an empty line, `exit`, or the terminal going away.
    rl.on('close', () => {
      prompting = false;
      routeStderrLines(undefined);
      opts.input.off('keypress', onKeypress);
      output.write(`${exitedByCommand ? '' : '\n'}Exiting Sluice.\n`);
      resolve();
    });
  });
  output.write(banner(opts.where));
  prompt();
  await closed;
  return 0;
}

/**
 * Ends the current line on screen and empties readline's edit buffer. Interface#clearLine is what node's own
 * REPL uses for Ctrl-C; it is not in the type declarations, and resetting `line` by hand would leave readline's
 * record of how many rows the line occupies out of date.
 */
function clearLine(rl: readline.Interface): void {
  (rl as unknown as { clearLine(): void }).clearLine();
}
