import { readFileSync, writeFileSync } from 'node:fs';
import { allArtefacts } from './artefacts.js';

// `npm run gen`: rewrite every generated file whose content changed.
let changed = 0;
for (const file of allArtefacts()) {
  let current: string | undefined;
  try {
    current = readFileSync(file.path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== file.content) {
    writeFileSync(file.path, file.content);
    changed += 1;
    console.log(`wrote ${file.path}`);
  }
}
console.log(changed === 0 ? 'generated files are current' : `${changed} file(s) regenerated`);
