/** Keyset cursors, opaque to clients: of run listings, and of a schedule's decisions (both newest first). */
import { UsageError } from '../domain/errors.js';

export interface RunCursor {
  readonly createdAt: number;
  readonly id: string;
}

export function encodeRunCursor(run: RunCursor): string {
  return Buffer.from(JSON.stringify([run.createdAt, run.id])).toString('base64url');
}

/** `field` names where the cursor came from in the error (`query 'cursor'`, `--cursor`). */
export function decodeRunCursor(cursor: string, field: string): RunCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // below
  }
  throw new UsageError(`${field}: not a cursor goose-flow handed out (use nextCursor as given)`, {
    field: 'cursor',
  });
}

export interface DecisionCursor {
  readonly scheduledAt: number;
  readonly source: 'schedule' | 'trigger' | 'backfill';
}

export function encodeDecisionCursor(at: DecisionCursor): string {
  return Buffer.from(JSON.stringify([at.scheduledAt, at.source])).toString('base64url');
}

export function decodeDecisionCursor(cursor: string, field: string): DecisionCursor {
  try {
    const [scheduledAt, source] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    if (
      typeof scheduledAt === 'number' &&
      (source === 'schedule' || source === 'trigger' || source === 'backfill')
    )
      return { scheduledAt, source };
  } catch {
    // below
  }
  throw new UsageError(
    `${field}: not a cursor goose-flow handed out (use moreDecisions as given)`,
    { field: 'before' },
  );
}
