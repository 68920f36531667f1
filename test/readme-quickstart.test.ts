import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// What a newcomer reads first: the intro and the quick start, checked against what the project really does.
const readme = readFileSync('README.md', 'utf8');
const intro = readme.slice(0, readme.indexOf('\n## '));
const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
const commands = (/```sh\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '')
  .split('\n')
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => l !== '');
const ci = readFileSync('.ci/run', 'utf8');

describe('README: intro and quick start', () => {
  it('does not describe the runtime as still being built', () => {
    expect(intro).toMatch(/runs them on an\s+embedded log/);
    expect(intro).not.toMatch(/being built|not yet|work in progress/i);
  });

  it('gives two commands, each complete on a fresh clone, and says that afterwards the command alone is enough', () => {
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(c.startsWith('npm ci && ')).toBe(true);
    const prose = quickStart.slice(quickStart.indexOf('```', quickStart.indexOf('```sh') + 3));
    for (const c of commands) {
      // The command without the install (and without the `cat` that only shows the result) is named as enough.
      const alone = c.slice('npm ci && '.length).replace(/ && cat .*$/, '');
      expect(prose).toContain(`\`${alone}\``);
    }
    expect(prose).toMatch(/once one of them has run[\s\S]*alone is enough/);
  });

  it('says how better-sqlite3 is compiled, with the npm_config_nodedir CI uses', () => {
    const nodedir = /npm_config_nodedir="\$\{npm_config_nodedir:-([^}]+)\}"/.exec(ci)?.[1];
    expect(nodedir).toBeDefined();
    expect(quickStart).toContain('better-sqlite3');
    expect(quickStart).toMatch(/C\/C\+\+ compiler/);
    expect(quickStart).toMatch(/Node's headers/);
    expect(quickStart).toContain(`npm_config_nodedir=${nodedir}`);
    // And CI runs exactly the test command the README gives.
    expect(ci).toMatch(/^npm ci\nnpm test$/m);
    expect(commands).toContain('npm ci && npm test');
  });
});
