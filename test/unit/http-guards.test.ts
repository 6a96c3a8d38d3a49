import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  bindsLoopbackOnly,
  hostAllowed,
  hostName,
  isLoopbackAddress,
  refusal,
  type GuardOptions,
} from '../../src/http/guards.js';

const loopback: GuardOptions = { loopbackBind: true, allowedHosts: [], corsOrigins: [] };

const request = (method: string, headers: Record<string, string>) =>
  ({ method, headers }) as unknown as IncomingMessage;

describe('loopback, parsed (not a prefix test)', () => {
  it('knows loopback addresses and names', async () => {
    for (const a of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '0.0.0.0', '::', '127.0.0.1.example.invalid', 'localhost'])
      expect(isLoopbackAddress(a), a).toBe(false);
    expect(await bindsLoopbackOnly('127.0.0.1')).toBe(true);
    expect(await bindsLoopbackOnly('[::1]')).toBe(true);
    expect(await bindsLoopbackOnly('localhost')).toBe(true);
    expect(await bindsLoopbackOnly('0.0.0.0')).toBe(false);
    // It used to pass as "starts with 127." and then go to DNS.
    expect(await bindsLoopbackOnly('127.0.0.1.example.invalid')).toBe(false);
  });
});

describe('DNS rebinding: Host names on a loopback bind', () => {
  it('serves loopback names and the ones named, nothing else', () => {
    expect(hostName('LocalHost:8080')).toBe('localhost');
    expect(hostName('[::1]:8080')).toBe('::1');
    for (const h of ['localhost:8080', '127.0.0.1:58080', '[::1]:1', 'app.localhost', 'localhost'])
      expect(hostAllowed(h, loopback), h).toBe(true);
    for (const h of ['rebind.evil.example', 'rebind.evil.example:8080', '127.0.0.1.nip.io:80'])
      expect(hostAllowed(h, loopback), h).toBe(false);
    expect(
      hostAllowed('goose.internal:8080', { ...loopback, allowedHosts: ['goose.internal'] }),
    ).toBe(true);
    // Bound beyond loopback, a token guards it instead.
    expect(hostAllowed('anything.example', { ...loopback, loopbackBind: false })).toBe(true);
  });
});

describe('cross-site requests', () => {
  it('/jobs refuses any browser and any body not sent as JSON; Goose passes', () => {
    const goose = request('POST', { host: 'localhost:58080', 'content-type': 'application/json' });
    expect(refusal(goose, true, loopback)).toBeNull();
    expect(
      refusal(
        request('POST', {
          host: 'localhost:58080',
          'content-type': 'text/plain',
          origin: 'http://evil.example',
        }),
        true,
        loopback,
      ),
    ).toMatchObject({ status: 403, code: 'browser_refused' });
    expect(
      refusal(
        request('POST', { host: 'localhost:58080', 'content-type': 'text/plain' }),
        true,
        loopback,
      ),
    ).toMatchObject({ status: 415 });
    expect(
      refusal(
        request('POST', {
          host: 'localhost:58080',
          'sec-fetch-site': 'cross-site',
          'content-type': 'application/json',
        }),
        true,
        loopback,
      ),
    ).toMatchObject({ status: 403 });
  });

  it('/api refuses a change from another origin; its own pages and named origins may', () => {
    const from = (origin: string, site?: string) =>
      refusal(
        request('POST', {
          host: '127.0.0.1:8080',
          origin,
          ...(site ? { 'sec-fetch-site': site } : {}),
        }),
        false,
        { ...loopback, corsOrigins: ['http://localhost:5173'] },
      );
    expect(from('http://evil.example', 'cross-site')).toMatchObject({
      status: 403,
      code: 'origin_not_allowed',
    });
    expect(from('null')).toMatchObject({ status: 403 });
    expect(from('http://127.0.0.1:8080', 'same-origin')).toBeNull();
    expect(from('http://localhost:5173', 'cross-site')).toBeNull();
    // Reads are not changes (and no page can read them without CORS).
    expect(
      refusal(
        request('GET', { host: '127.0.0.1:8080', origin: 'http://evil.example' }),
        false,
        loopback,
      ),
    ).toBeNull();
    // No browser at all: a CLI, a script, curl.
    expect(refusal(request('DELETE', { host: '127.0.0.1:8080' }), false, loopback)).toBeNull();
  });
});
