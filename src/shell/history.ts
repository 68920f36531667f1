import fs from 'node:fs';
import { maskUnparsedText } from '../sql/mask.js';

/**
 * The shell's persistent history: one entry per line in the file, oldest first (the readline/JLine convention).
 * Entries are written as they are entered, appended, so two shells sharing the file do not overwrite each other.
 */

export const DEFAULT_HISTORY_SIZE = 1000;

/**
 * One input as it is kept in history: secrets masked (the file outlives the session and may be read by others)
 * and folded onto one line, because readline recalls an entry onto a single editable line. Line breaks outside
 * quotes become spaces and `--` comments are dropped (they would otherwise comment out the rest of the line);
 * a line break inside a quoted string is part of the value and is kept.
 */
export function historyEntry(text: string): string {
  const masked = maskUnparsedText(text);
  let out = '';
  let i = 0;
  while (i < masked.length) {
    const ch = masked[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      // Copy through the closing quote; a doubled quote just reopens, which copies the same characters.
      const close = masked.indexOf(ch, i + 1);
      const end = close < 0 ? masked.length : close + 1;
      out += masked.slice(i, end);
      i = end;
    } else if (ch === '-' && masked[i + 1] === '-') {
      const nl = masked.indexOf('\n', i);
      i = nl < 0 ? masked.length : nl;
    } else if (ch === '/' && masked[i + 1] === '*') {
      const close = masked.indexOf('*/', i + 2);
      const end = close < 0 ? masked.length : close + 2;
      out += masked.slice(i, end).replace(/\s*\n\s*/g, ' ');
      i = end;
    } else if (/\s/.test(ch)) {
      const m = /^\s+/.exec(masked.slice(i))![0];
      // A line break (with blanks around it, and those left before a dropped comment) becomes one space.
      out = m.includes('\n') ? `${out.replace(/[ \t]+$/, '')} ` : out + m;
      i += m.length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out.trim();
}

/** File encoding, as JLine's: a backslash and a line break are escaped so each entry stays on one line. */
export function encodeEntry(entry: string): string {
  return entry.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

export function decodeEntry(line: string): string {
  return line.replace(/\\([\\nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

export interface HistoryOptions {
  maxSize?: number;
  /** Told once when the file cannot be read or written; history then lives in memory only. */
  onWarning?: (message: string) => void;
}

export class ShellHistory {
  readonly #file: string;
  readonly #max: number;
  readonly #warn: (message: string) => void;
  #entries: string[] = [];
  #writable = true;

  constructor(file: string, opts: HistoryOptions = {}) {
    this.#file = file;
    this.#max = opts.maxSize ?? DEFAULT_HISTORY_SIZE;
    this.#warn = opts.onWarning ?? (() => {});
  }

  /** Oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Reads the file (a missing file is an empty history) and trims it to the size cap. */
  load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#disable(err);
      return;
    }
    const lines = text.split('\n').filter((l) => l !== '').map(decodeEntry);
    this.#entries = dedupeConsecutive(lines).slice(-this.#max);
    // Rewrite only a regular file (never e.g. /dev/null) and only when it has grown past the cap.
    if (lines.length > this.#max && this.#isRegularFile()) this.#rewrite();
  }

  /** Adds an entry (already passed through historyEntry). Returns false for a blank or repeated entry. */
  add(entry: string): boolean {
    if (entry.trim() === '' || this.#entries[this.#entries.length - 1] === entry) return false;
    this.#entries.push(entry);
    if (this.#entries.length > this.#max) this.#entries.shift();
    if (!this.#writable) return true;
    try {
      // mode only applies when the file is created: 0600 because statements can hold secrets masking missed.
      fs.appendFileSync(this.#file, `${encodeEntry(entry)}\n`, { mode: 0o600 });
    } catch (err) {
      this.#disable(err);
    }
    return true;
  }

  #rewrite(): void {
    try {
      const tmp = `${this.#file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, this.#entries.map((e) => `${encodeEntry(e)}\n`).join(''), { mode: 0o600 });
      fs.renameSync(tmp, this.#file);
    } catch (err) {
      this.#disable(err);
    }
  }

  #isRegularFile(): boolean {
    try {
      return fs.statSync(this.#file).isFile();
    } catch {
      return false;
    }
  }

  #disable(err: unknown): void {
    if (!this.#writable) return;
    this.#writable = false;
    this.#warn(`history file ${this.#file} is not usable (${(err as Error).message}); history will not be saved`);
  }
}

function dedupeConsecutive(lines: readonly string[]): string[] {
  return lines.filter((l, i) => i === 0 || lines[i - 1] !== l);
}
