/**
 * CORS is off unless configured: `serve --cors-origin <origin>` (repeatable) or
 * `GOOSE_FLOW_CORS_ORIGINS` (comma-separated) names the browser origins that may call `/api`.
 * Only exact origins: a page elsewhere that holds the token is the one risk CORS exists for.
 */
import { UsageError } from '../domain/errors.js';

export function parseCorsOrigins(values: readonly string[], source: string): string[] {
  const origins: string[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const value = raw.trim();
    if (value === '') continue;
    let origin: string | null = null;
    try {
      const url = new URL(value);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value)
        origin = url.origin;
    } catch {
      origin = null;
    }
    if (origin === null) {
      throw new UsageError(
        `${source}: '${value}' is not an origin; write scheme://host[:port] with no path or trailing slash, e.g. http://localhost:5173 ('*' is not accepted)`,
        { value, source },
      );
    }
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
}
