import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EncodedBody } from '../../src/http/encoded-body.js';
import { HotListings, isHotPath, pathAndQuery } from '../../src/http/hot-listings.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function serving(hot: HotListings): Promise<number> {
  server = createServer((req, res) => {
    if (!hot.serve(req, res)) {
      res.writeHead(404);
      res.end('miss');
    }
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return (server!.address() as { port: number }).port;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('hot listings', () => {
  it('answers the same URL from memory while the state version holds, and not after', async () => {
    let version = 'v1';
    const hot = new HotListings(() => version);
    const port = await serving(hot);
    hot.remember('/api/v1/runs?limit=5', EncodedBody.json({ runs: [1] }));

    expect(await get(port, '/api/v1/runs?limit=5')).toEqual({ status: 200, body: '{"runs":[1]}' });
    expect((await get(port, '/api/v1/runs?limit=6')).status).toBe(404);
    version = 'v2';
    expect((await get(port, '/api/v1/runs?limit=5')).status).toBe(404);
  });

  it('remembers nothing without a state version', async () => {
    const hot = new HotListings(() => null);
    const port = await serving(hot);
    hot.remember('/api/v1/runs', EncodedBody.json({ runs: [] }));
    expect((await get(port, '/api/v1/runs')).status).toBe(404);
  });

  it('keys by path and query as sent, and serves only the listings', () => {
    expect(pathAndQuery('http://127.0.0.1:1/api/v1/runs?status=failed&limit=2')).toBe(
      '/api/v1/runs?status=failed&limit=2',
    );
    expect(isHotPath('/api/v1/runs?x=1')).toBe(true);
    expect(isHotPath('/api/v1/schedules')).toBe(true);
    expect(isHotPath('/api/v1/runs/r1')).toBe(false);
    expect(isHotPath(undefined)).toBe(false);
  });
});
