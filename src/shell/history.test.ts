import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, historyEntry, ShellHistory } from './history.js';

describe('historyEntry', () => {
  it('folds a multi-line statement onto one line', () => {
    expect(historyEntry("CREATE SINK CONNECTOR s WITH (\n  'connector.class' = 'FileStreamSink',\n  'file' = 'x'\n);")).toBe(
      "CREATE SINK CONNECTOR s WITH ( 'connector.class' = 'FileStreamSink', 'file' = 'x' );",
    );
  });

  it('drops -- comments, which would otherwise swallow the rest of the folded line', () => {
    expect(historyEntry("SHOW -- all of them\nCONNECTORS; -- done")).toBe('SHOW CONNECTORS;');
  });

  it('leaves quoted text alone, line breaks and -- included', () => {
    expect(historyEntry("DEFINE a = 'x -- y\nz';")).toBe("DEFINE a = 'x -- y\nz';");
    expect(historyEntry("DEFINE a = 'it''s'; -- c")).toBe("DEFINE a = 'it''s';");
  });

  it('masks secret values', () => {
    const entry = historyEntry("ALTER CONNECTOR c SET (\n'connection.password' = 'hunter2');");
    expect(entry).not.toContain('hunter2');
    expect(entry).toContain("'connection.password' = '********'");
  });

  it("masks only the password of a URL", () => {
    expect(historyEntry("ALTER CONNECTOR c SET ('connection.url' = 'jdbc:mysql://root:Pw-1234@h/db?user=root');")).toBe(
      "ALTER CONNECTOR c SET ('connection.url' = 'jdbc:mysql://root:********@h/db?user=root');",
    );
  });
});

describe('history file encoding', () => {
  it('round-trips backslashes and line breaks', () => {
    for (const s of ['a\\nb', 'a\nb', '\\', 'C:\\data\\n.txt', 'x\r\ny']) {
      expect(encodeEntry(s)).not.toMatch(/[\r\n]/);
      expect(decodeEntry(encodeEntry(s))).toBe(s);
    }
  });
});

describe('ShellHistory', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-history-'));
    file = path.join(dir, 'history');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts empty without a file, and creates it private (0600)', () => {
    const h = new ShellHistory(file);
    h.load();
    expect(h.entries).toEqual([]);
    h.add('SHOW CONNECTORS;');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('persists entries across instances, oldest first', () => {
    const a = new ShellHistory(file);
    a.load();
    a.add('SHOW CONNECTORS;');
    a.add("DEFINE x = 'a\nb';");
    const b = new ShellHistory(file);
    b.load();
    expect(b.entries).toEqual(['SHOW CONNECTORS;', "DEFINE x = 'a\nb';"]);
  });

  it('ignores blank and consecutive duplicate entries', () => {
    const h = new ShellHistory(file);
    expect(h.add('SHOW TOPICS;')).toBe(true);
    expect(h.add('SHOW TOPICS;')).toBe(false);
    expect(h.add('  ')).toBe(false);
    expect(h.add('SHOW VARIABLES;')).toBe(true);
    expect(h.add('SHOW TOPICS;')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('SHOW TOPICS;\nSHOW VARIABLES;\nSHOW TOPICS;\n');
  });

  it('keeps only the newest entries, in memory and on disk', () => {
    fs.writeFileSync(file, Array.from({ length: 12 }, (_, i) => `s${i}\n`).join(''));
    const h = new ShellHistory(file, { maxSize: 5 });
    h.load();
    expect(h.entries).toEqual(['s7', 's8', 's9', 's10', 's11']);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toEqual(['s7', 's8', 's9', 's10', 's11']);
    h.add('s12');
    expect(h.entries).toEqual(['s8', 's9', 's10', 's11', 's12']);
  });

  it('warns once and keeps working in memory when the file cannot be written', () => {
    const warnings: string[] = [];
    const h = new ShellHistory(path.join(dir, 'missing-dir', 'history'), { onWarning: (m) => warnings.push(m) });
    h.load();
    h.add('a;');
    h.add('b;');
    expect(h.entries).toEqual(['a;', 'b;']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not be saved/);
  });
});
