// Recreates examples/shop.db, the quick start's SQLite database: `node examples/make-shop-db.mjs`.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('./shop.db', import.meta.url));
rmSync(file, { force: true });
const db = new Database(file);
db.exec(`
  CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    balance    NUMERIC
  );
`);
const insert = db.prepare('INSERT INTO users (name, email, created_at, balance) VALUES (?, ?, ?, ?)');
const people = ['Ada', 'Brendan', 'Chen', 'Dolores', 'Emeka', 'Farah', 'Gustav', 'Hana', 'Ivo', 'Jun'];
db.transaction(() => {
  people.forEach((name, i) => insert.run(name, `${name.toLowerCase()}@example.com`, `2026-11-${String(i + 1).padStart(2, '0')}T09:00:00Z`, (i + 1) * 10.5));
})();
db.close();
console.log(`wrote ${file} (${people.length} users)`);
