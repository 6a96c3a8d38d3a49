/** Who may call: loopback clients, the Goose secret key, the bearer token. */
import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented secret with the configured one. */
export function sameSecret(presented: string | undefined | null, expected: string): boolean {
  if (presented === undefined || presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The credentials of an `Authorization: Bearer <token>` header (the scheme is case-insensitive). */
export function bearerOf(header: string | undefined): string | null {
  const m = /^bearer +(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
