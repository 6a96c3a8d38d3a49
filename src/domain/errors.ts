/**
 * Errors that cross layers. Each carries a stable `code`, the ids a reader needs to act, and
 * whether retrying could help. Faces map `kind` to exit codes / HTTP statuses in one place each.
 */
export const ErrorKind = {
  /** The caller asked for something malformed: bad flag, bad value, bad file. Exit 2. */
  usage: 'usage',
  /** Something named does not exist (run id, file). Exit 1 / HTTP 404. */
  notFound: 'not_found',
  /** The request conflicts with current state (illegal transition, duplicate). Exit 1 / HTTP 409. */
  conflict: 'conflict',
  /** The environment is not usable (data dir, executor binary). Exit 1 / HTTP 500. */
  environment: 'environment',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class GooseFlowError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    kind: ErrorKind,
    message: string,
    opts: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details ?? {};
  }
}

export class UsageError extends GooseFlowError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('usage', ErrorKind.usage, message, { details });
  }
}

export class NotFoundError extends GooseFlowError {
  constructor(what: string, id: string) {
    super(`${what}_not_found`, ErrorKind.notFound, `${what} not found: ${id}`, { details: { id } });
  }
}

export class ConflictError extends GooseFlowError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, ErrorKind.conflict, message, { details });
  }
}

export class EnvironmentError extends GooseFlowError {
  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(code, ErrorKind.environment, message, { details, cause });
  }
}
