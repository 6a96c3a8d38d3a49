import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, EncodedBody } from '../../src/http/encoded-body.js';

describe('acceptsGzip', () => {
  it.each([
    ['gzip, br, zstd, deflate', true],
    ['gzip', true],
    ['GZIP', true],
    ['deflate, gzip;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['br;q=1, *;q=0.1', true],
    [undefined, false],
    ['', false],
    ['identity', false],
    ['br, zstd', false],
    ['gzip;q=0', false],
    ['gzip;q=0.0, *', false],
    ['*;q=0', false],
    ['gzip;q=abc', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('EncodedBody', () => {
  it('gzips once, to bytes that decode to the same JSON', async () => {
    const value = { jobs: Array.from({ length: 50 }, (_, i) => ({ id: `job-${i}` })) };
    const body = EncodedBody.json(value);
    const first = body.gzip();
    expect(body.gzip()).toBe(first);
    const zipped = await first;
    expect(zipped.byteLength).toBeLessThan(body.identity.byteLength);
    expect(JSON.parse(gunzipSync(zipped).toString())).toEqual(value);
  });
});
