/**
 * A JSON body encoded once and sent many times: the identity bytes, and gzip made on first demand.
 * Goose's Rust client (reqwest with its gzip/brotli/zstd/deflate features) sends
 * `Accept-Encoding: gzip, br, zstd, deflate`; a 1,000-job listing is ~250 KB as text, a tenth as gzip.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Context } from 'hono';

const gzipAsync = promisify(gzip);
/** Below this, compressing costs more than it saves. */
const MIN_GZIP_BYTES = 1024;

export class EncodedBody {
  private gzipped: Promise<Uint8Array<ArrayBuffer>> | null = null;

  constructor(readonly identity: Uint8Array<ArrayBuffer>) {}

  static json(value: unknown): EncodedBody {
    return new EncodedBody(new TextEncoder().encode(JSON.stringify(value)));
  }

  gzip(): Promise<Uint8Array<ArrayBuffer>> {
    this.gzipped ??= gzipAsync(this.identity, { level: 6 }).then((b) => new Uint8Array(b));
    return this.gzipped;
  }
}

/** Whether an `Accept-Encoding` header admits gzip (by name or `*`, with q > 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzipQ: number | null = null;
  let anyQ: number | null = null;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const weight = Number.isFinite(q) ? q : 0;
    if (name.trim() === 'gzip' || name.trim() === 'x-gzip') gzipQ = weight;
    else if (name.trim() === '*') anyQ = weight;
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

/** The bytes to send for a client's `Accept-Encoding`: gzip when it takes it and it is worth it. */
export async function encodedFor(
  body: EncodedBody,
  acceptEncoding: string | undefined,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; gzip: boolean }> {
  return body.identity.byteLength >= MIN_GZIP_BYTES && acceptsGzip(acceptEncoding)
    ? { bytes: await body.gzip(), gzip: true }
    : { bytes: body.identity, gzip: false };
}

/** Headers of an encoded JSON answer. */
export function encodedHeaders(gzip: boolean): Record<string, string> {
  return {
    'content-type': 'application/json',
    vary: 'Accept-Encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
}

/** Sends `body` as JSON, gzip-encoded when the client accepts it and it is worth it. */
export async function sendEncoded(c: Context, body: EncodedBody, status: 200 = 200) {
  const { bytes, gzip } = await encodedFor(body, c.req.header('accept-encoding'));
  return c.body(bytes, status, encodedHeaders(gzip));
}
