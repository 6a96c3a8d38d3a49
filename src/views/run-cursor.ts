/** The keyset cursor of run listings (newest first): the last run's creation time and id, opaque. */
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
