/**
 * Browser origins and host names the HTTP faces accept beyond their defaults.
 *
 * CORS is off unless configured: `serve --cors-origin <origin>` (repeatable) or
 * `GOOSE_FLOW_CORS_ORIGINS` (comma-separated) names the browser origins that may call `/api`.
 * Only exact origins: a page elsewhere that holds the token is the one risk CORS exists for.
 */
import { UsageError } from './errors.js';

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

/** Host names as a Host header carries them: no scheme, port or path. */
export function parseAllowedHosts(values: readonly string[], source: string): string[] {
  const names = values.map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  for (const name of names)
    if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(name))
      throw new UsageError(
        `${source}: '${name}' is not a host name (write it as a Host header names it, without scheme or port, e.g. goose.internal)`,
        { value: name },
      );
  return [...new Set(names.map((n) => n.replace(/^\[|\]$/g, '')))];
}
