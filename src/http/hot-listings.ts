/**
 * Listings many clients poll (`GET /api/v1/runs…`, `GET /api/v1/schedules…`), answered on plain
 * node:http from the bytes the API routes last built for the same URL, while the state version
 * holds (and for at most a second: derived times move with the clock). The Hono app builds them
 * and validates their queries; a hit skips its Request/Response objects, so a poll costs a few
 * microseconds and 200 pollers leave room in each turn of the event loop for `/health` and the
 * scheduler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodedFor, encodedHeaders, type EncodedBody } from './encoded-body.js';

const MAX_AGE_MS = 1_000;
const MAX_ENTRIES = 128;

export class HotListings {
  private readonly entries = new Map<string, { version: string; at: number; body: EncodedBody }>();

  constructor(private readonly version: () => string | null) {}

  /** Called by a route that just built `body` for this URL (path and query, as requested). */
  remember(url: string, body: EncodedBody): void {
    const version = this.version();
    if (version === null) return;
    this.entries.delete(url);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(url, { version, at: Date.now(), body });
  }

  /** Answers the request from memory if it may; false: let the app answer it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || req.url === undefined) return false;
    const hit = this.entries.get(req.url);
    if (!hit || Date.now() - hit.at >= MAX_AGE_MS || hit.version !== this.version()) return false;
    void encodedFor(hit.body, req.headers['accept-encoding']).then(({ bytes, gzip }) => {
      res.writeHead(200, { ...encodedHeaders(gzip), 'content-length': bytes.byteLength });
      res.end(bytes);
    });
    return true;
  }
}

/** The path and query of a URL as the request line carried them (the key of a hot listing). */
export function pathAndQuery(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Only the listings themselves: their paths, with any query. */
export function isHotPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return path === '/api/v1/runs' || path === '/api/v1/schedules';
}
