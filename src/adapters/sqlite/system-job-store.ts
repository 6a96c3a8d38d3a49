import type { Db } from './database.js';
import type { Clock, SystemJobRecord, SystemJobStore } from '../../engines/ports.js';

interface SystemJobRow {
  name: string;
  every_ms: number;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_result: string | null;
}

export class SqliteSystemJobStore implements SystemJobStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  list(): SystemJobRecord[] {
    const rows = this.db.prepare('SELECT * FROM system_jobs ORDER BY name').all() as SystemJobRow[];
    return rows.map((r) => ({
      name: r.name,
      everyMs: r.every_ms,
      lastStartedAt: r.last_started_at,
      lastFinishedAt: r.last_finished_at,
      lastResult:
        r.last_result === null ? null : (JSON.parse(r.last_result) as Record<string, unknown>),
    }));
  }

  started(name: string): void {
    this.db
      .prepare('UPDATE system_jobs SET last_started_at = ? WHERE name = ?')
      .run(this.clock.now(), name);
  }

  finished(name: string, result: Record<string, unknown>): void {
    this.db
      .prepare('UPDATE system_jobs SET last_finished_at = ?, last_result = ? WHERE name = ?')
      .run(this.clock.now(), JSON.stringify(result), name);
  }

  deleteOccurrencesBefore(before: number): number {
    return this.db.prepare('DELETE FROM occurrences WHERE decided_at < ?').run(before).changes;
  }
}
