import Table from 'cli-table3';

// ksqlDB CLI's table look: a header, a dashed rule under it and after the last row, columns split by '|'.
const CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '-',
  'bottom-mid': '-',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '|',
};

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters as visible escapes: a name or value holding ESC sequences would otherwise drive the user's
 * terminal (recolour, retitle, hide text), and a newline would break the table's rows.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: [...head],
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    wordWrap: false,
  });
  for (const row of rows) table.push(row.map(visible));
  const lines = table.toString().split('\n');
  const rule = lines[lines.length - 1] ?? '';
  return [lines[0] ?? '', rule, ...lines.slice(1)].join('\n');
}

/** `Name                 : value` lines, as ksqlDB's DESCRIBE prints them. */
export function renderKeyValues(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${k.padEnd(20)} : ${visible(v)}`).join('\n');
}
