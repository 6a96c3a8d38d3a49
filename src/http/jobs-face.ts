/**
 * `POST /jobs` on plain node:http, ahead of the Hono app: Goose polls `list` often and its answer
 * is large, so this route skips the Fetch API's Request/Response objects and streams (the body is
 * read into one buffer, the cached answer written in one call). The contract
 * (../shared/goose-compat.md): 405 for another method, 401 without the key, 413 for a body over
 * the limit, 400 for a body that is not JSON, otherwise 200 with `{success, message, …}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodedFor, encodedHeaders, type EncodedBody } from './encoded-body.js';
import { sameSecret } from './auth.js';
import { isLoopbackAddress } from './guards.js';
import type { GooseJobs } from './goose-jobs.js';

export interface JobsFaceOptions {
  /** `GOOSE_FLOW_JOBS_KEY`: requests need it as `X-Secret-Key`; null: loopback clients only. */
  readonly secretKey: string | null;
  readonly maxBodyBytes: number;
}

/** How much of an oversized body is read and dropped before the connection is cut. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

export function isJobsPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return path === '/jobs' || path === '/jobs/';
}

export function jobsFace(jobs: GooseJobs, opts: JobsFaceOptions) {
  const send = (res: ServerResponse, status: number, body: unknown, close = false) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, message: string, close = false) =>
    send(res, status, { success: false, message }, close);

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      req.resume();
      return fail(res, 405, `method ${req.method} not allowed: POST a JSON body to /jobs`);
    }
    // The key before the body: a stranger learns nothing, not even the size limit.
    if (opts.secretKey !== null) {
      const presented = req.headers['x-secret-key'];
      if (!sameSecret(Array.isArray(presented) ? presented[0] : presented, opts.secretKey)) {
        req.resume();
        return fail(res, 401, 'missing or wrong X-Secret-Key');
      }
    } else if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) {
      req.resume();
      return fail(res, 403, 'no secret key is configured: only loopback clients may use /jobs');
    }
    // Over the limit: the rest of the body is read into nothing and the 413 sent once it is in,
    // so a client that sends its whole body before it reads (most do) gets the answer, not a
    // broken pipe. A body beyond DISCARD_LIMIT is answered at once and cut off.
    const tooLargeMessage = `request body larger than ${opts.maxBodyBytes} bytes`;
    let over = false;
    let cut = false;
    let received = 0;
    const cutOff = () => {
      cut = true;
      fail(res, 413, tooLargeMessage, true);
      res.once('finish', () => req.destroy());
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBodyBytes) {
      over = true;
      if (declared > DISCARD_LIMIT) cutOff();
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > opts.maxBodyBytes) over = true;
      if (!over) chunks.push(chunk);
      else if (received > DISCARD_LIMIT && !cut) cutOff();
    });
    req.on('end', () => {
      if (cut) return;
      if (over) return fail(res, 413, tooLargeMessage);
      let body: unknown;
      try {
        // TextDecoder drops a UTF-8 byte order mark, as Goose's serde would accept.
        body = JSON.parse(new TextDecoder().decode(Buffer.concat(chunks, received)));
      } catch {
        return fail(res, 400, 'the request body is not JSON');
      }
      jobs.respond(body).then(
        (answer) => void write(req, res, answer),
        (err: unknown) => fail(res, 500, `internal error: ${(err as Error).message}`),
      );
    });
    req.on('error', () => res.destroy());
  };
}

async function write(req: IncomingMessage, res: ServerResponse, answer: EncodedBody) {
  const { bytes, gzip } = await encodedFor(answer, req.headers['accept-encoding']);
  res.writeHead(200, { ...encodedHeaders(gzip), 'content-length': bytes.byteLength });
  res.end(bytes);
}
