/**
 * Shell commands that are not SQL (as in ksqlDB's CLI): they need no ';' and match case-insensitively.
 * A trailing ';' is tolerated because people type it out of habit.
 */
export type ShellCommand =
  | { name: 'help' }
  | { name: 'exit' }
  | { name: 'history' }
  | { name: 'clear' }
  | { name: 'output'; format: string | undefined };

export function parseShellCommand(line: string): ShellCommand | undefined {
  const words = line.trim().replace(/;\s*$/, '').trim().split(/\s+/);
  const [first = '', second, ...rest] = words;
  if (rest.length > 0) return undefined;
  switch (first.toLowerCase()) {
    case 'help':
    case '\\?':
      return second === undefined ? { name: 'help' } : undefined;
    case 'exit':
    case 'quit':
    case '\\q':
      return second === undefined ? { name: 'exit' } : undefined;
    case 'history':
      return second === undefined ? { name: 'history' } : undefined;
    case 'clear':
      return second === undefined ? { name: 'clear' } : undefined;
    case 'output':
      return { name: 'output', format: second };
    default:
      return undefined;
  }
}

export const SHELL_HELP = `Sluice shell. End each statement with ';' (a statement may span several lines).

Connectors:
  CREATE {SOURCE|SINK} CONNECTOR [IF NOT EXISTS] name WITH ('key' = 'value', ...);
  DROP CONNECTOR [IF EXISTS] name;
  {SHOW|LIST} [SOURCE|SINK] CONNECTORS;      {SHOW|LIST} CONNECTOR PLUGINS;
  DESCRIBE CONNECTOR name [EXTENDED];
  ALTER CONNECTOR name SET ('key' = 'value', ...);   ALTER CONNECTOR name UNSET ('key', ...);
  PAUSE CONNECTOR name;   RESUME CONNECTOR name;   RESTART CONNECTOR name;
Variables and properties:
  DEFINE name = 'value';   UNDEFINE name;   {SHOW|LIST} VARIABLES;   (use as \${name})
  SET 'property' = 'value';   UNSET 'property';   {SHOW|LIST} PROPERTIES;
Scripts and topics:
  RUN SCRIPT 'file.sql';   {SHOW|LIST} TOPICS;   PRINT topic [FROM BEGINNING] [LIMIT n];

Shell commands (no ';' needed):
  help            this text
  output table    print results as tables (default)
  output json     print one JSON entity per line
  history         list previous input
  clear           clear the screen
  exit | quit     leave (Ctrl-D also works)

Names fold to upper case unless quoted with \` or ". Keys and string values use single quotes.`;
