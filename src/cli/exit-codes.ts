import { CommanderError } from 'commander';
import { GooseFlowError, ErrorKind } from '../domain/errors.js';
import { RunStatus } from '../domain/run-status.js';

/** The one place that maps outcomes to exit codes. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, timedOut: 124, cancelled: 130 } as const;

export function exitCodeForRun(status: RunStatus): number {
  switch (status) {
    case RunStatus.succeeded:
      return ExitCode.ok;
    case RunStatus.timedOut:
      return ExitCode.timedOut;
    case RunStatus.cancelled:
      return ExitCode.cancelled;
    case RunStatus.failed:
    case RunStatus.pending:
    case RunStatus.running:
    case RunStatus.retrying:
      return ExitCode.failure;
    default: {
      const never: never = status;
      return never;
    }
  }
}

export function exitCodeForError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (err instanceof GooseFlowError)
    return err.kind === ErrorKind.usage ? ExitCode.usage : ExitCode.failure;
  return ExitCode.failure;
}

/** `{error: {code, message, details}}`, as the HTTP API answers. */
export function errorJson(err: unknown): {
  error: { code: string; message: string; details: Record<string, unknown> };
} {
  if (err instanceof GooseFlowError)
    return { error: { code: err.code, message: err.message, details: err.details } };
  return { error: { code: 'internal', message: describeError(err), details: {} } };
}

/** A user sees what was wrong and where — never a stack trace for their own mistake. */
export function describeError(err: unknown): string {
  if (err instanceof GooseFlowError) return err.message;
  if (err instanceof Error)
    return process.env.GOOSE_FLOW_DEBUG ? (err.stack ?? err.message) : err.message;
  return String(err);
}
