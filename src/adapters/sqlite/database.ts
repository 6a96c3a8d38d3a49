import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../../domain/errors.js';
import { secureFile } from '../data-dir.js';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens the store with WAL (readers never block the writer), a busy timeout so concurrent
 * goose-flow processes on one data dir wait instead of failing, and applies numbered migrations.
 */
export function openDatabase(file: string): Db {
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } catch (cause) {
    throw new EnvironmentError(
      'store_unavailable',
      `cannot open the goose-flow store at ${file}: ${(cause as Error).message}`,
      { file },
      cause,
    );
  }
  db.pragma('busy_timeout = 5000');
  // Owner-only, with its WAL and shared-memory files (SQLite creates them with the same mode).
  for (const f of [file, `${file}-wal`, `${file}-shm`]) secureFile(f);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f,
      sql: readFileSync(join(MIGRATIONS_DIR, f), 'utf8'),
    }));
}

function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  for (const m of loadMigrations()) {
    if (applied.has(m.version)) continue;
    // IMMEDIATE: two processes opening a fresh data dir at once must not both migrate.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

/** What an embedded store holds, read without changing it (none when there is no store yet). */
export function embeddedState(file: string): { schedules: number; runs: number } {
  if (!existsSync(file)) return { schedules: 0, runs: 0 };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const count = (table: string) => {
      const known = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table);
      return known ? Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()) : 0;
    };
    return { schedules: count('schedules'), runs: count('runs') };
  } finally {
    db.close();
  }
}
