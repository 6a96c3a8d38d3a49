import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ErrorKind, GooseFlowError } from '../../domain/errors.js';

/** The one error shape of the API. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** The one place errors become HTTP statuses. Bad input is 4xx; only our own faults are 5xx. */
export function statusOf(err: unknown): 400 | 401 | 404 | 409 | 413 | 415 | 500 | 503 {
  if (err instanceof GooseFlowError) {
    switch (err.kind) {
      case ErrorKind.usage:
        return 400;
      case ErrorKind.notFound:
        return 404;
      case ErrorKind.conflict:
        return 409;
      case ErrorKind.environment:
        return 503;
    }
  }
  if (err instanceof HTTPException) {
    const s = err.status;
    return s === 401 || s === 404 || s === 409 || s === 413 || s === 415
      ? s
      : s >= 400 && s < 500
        ? 400
        : 500;
  }
  return 500;
}

export function errorBody(err: unknown): ErrorBody {
  if (err instanceof GooseFlowError)
    return { error: { code: err.code, message: err.message, details: err.details } };
  if (err instanceof HTTPException) {
    if (err.status === 415)
      return {
        error: {
          code: 'unsupported_media_type',
          message: 'send the body as JSON, with Content-Type: application/json',
          details: {},
        },
      };
    const code =
      err.status === 413
        ? 'body_too_large'
        : err.status === 401
          ? 'unauthorized'
          : 'invalid_request';
    return { error: { code, message: err.message || 'invalid request', details: {} } };
  }
  return {
    error: { code: 'internal', message: (err as Error)?.message ?? String(err), details: {} },
  };
}

/** A request that failed its schema: every issue, each naming its field. */
export function invalidRequest(error: ZodError): ErrorBody {
  const issues = error.issues.map((i) => ({
    // An unknown field is named by the field itself, not by the object that holds it.
    field:
      i.code === 'unrecognized_keys'
        ? [...i.path, ...(i as { keys: string[] }).keys].join('.')
        : i.path.join('.') || '(body)',
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  const first = issues[0];
  return {
    error: {
      code: 'invalid_request',
      message: first ? `field '${first.field}': ${first.message}` : 'invalid request',
      details: { issues },
    },
  };
}
