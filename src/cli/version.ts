import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Read from package.json so `sluice --version` can never disagree with the package. Searched upwards because
// this file runs both from src/ (tests) and from dist/src/ (the installed command).
function findPackageJson(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
}

const pkg = JSON.parse(readFileSync(findPackageJson(path.dirname(fileURLToPath(import.meta.url))), 'utf8')) as { version: string };
export const VERSION: string = pkg.version;
