import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Compiles each SQL text once per connection: the hot paths reuse prepared statements. */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  get(text: string): Statement {
    let statement = this.cache.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.cache.set(text, statement);
    }
    return statement;
  }
}
