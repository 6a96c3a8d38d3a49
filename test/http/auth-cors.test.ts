/**
 * Token auth and CORS on `/api` and `/metrics`, in process (embedded engine). How `serve` gets
 * them (GOOSE_FLOW_TOKEN, --cors-origin, GOOSE_FLOW_CORS_ORIGINS) and what node:http refuses
 * ahead of the app (Host/Origin guards) stay in test/integration/api.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { waitFor } from '../support/harness.js';
import { API, openInProcessApi, type InProcessApi } from '../support/in-process-api.js';

let api: InProcessApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

describe('with a token', () => {
  it('/api needs the bearer token (constant-time compared); the document declares it', async () => {
    const token = 'tok-' + randomBytes(8).toString('hex');
    api = await openInProcessApi({ token });
    const { call } = api;
    const refused = await call('GET', '/status', 401, S.ErrorBody);
    expect(refused.error.code).toBe('unauthorized');
    await call('GET', '/status', 401, S.ErrorBody, undefined, { authorization: 'Bearer wrong' });
    await call('GET', '/status', 401, S.ErrorBody, undefined, { authorization: token });
    await call('GET', '/status', 401, S.ErrorBody, undefined, {
      authorization: `Bearer ${token}x`,
    });
    const ok = await call('GET', '/status', 200, S.Status, undefined, {
      authorization: `Bearer ${token}`,
    });
    // The scheme is case-insensitive (RFC 9110).
    await call('GET', '/status', 200, S.Status, undefined, { authorization: `bearer ${token}` });
    expect(ok.engine).toBe('embedded');
    const challenge = await api.request(`${API}/schedules`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe('Bearer');
    // Nothing of /api passes without it: not the document, not a write.
    expect((await api.request(`${API}/openapi.json`)).status).toBe(401);
    const write = await api.request(`${API}/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', cron: '@daily', recipe: api.box.recipe('x.yaml') }),
    });
    expect(write.status).toBe(401);
    const doc = (await (
      await api.request(`${API}/openapi.json`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { security: unknown };
    expect(doc.security).toEqual([{ bearer: [] }]);
    const none = await call('GET', '/schedules', 200, S.SchedulePage, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(none.schedules).toEqual([]);

    expect((await api.request('/metrics')).status).toBe(401);
    expect(
      (await api.request('/metrics', { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    // /health never needs a key or token.
    expect((await api.request('/health')).status).toBe(200);
    expect(api.warnings.join('\n')).not.toContain(token);
  });
});

describe('CORS', () => {
  it('answers only the configured origins, before the token check', async () => {
    const token = 'tok-' + randomBytes(8).toString('hex');
    api = await openInProcessApi({
      token,
      corsOrigins: ['http://localhost:5173', 'https://dash.example'],
    });
    const url = `${API}/status`;
    for (const origin of ['http://localhost:5173', 'https://dash.example']) {
      const preflight = await api.request(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
      const r = await api.request(url, { headers: { authorization: `Bearer ${token}`, origin } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    }
    // The token is still required; other origins get no CORS headers.
    const noToken = await api.request(url, { headers: { origin: 'http://localhost:5173' } });
    expect(noToken.status).toBe(401);
    const other = await api.request(url, {
      headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await api.request(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with no origin configured, sends no CORS headers at all', async () => {
    const token = 'tok-' + randomBytes(8).toString('hex');
    api = await openInProcessApi({ token });
    const r = await api.request(`${API}/status`, {
      headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await api.request(`${API}/status`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.status).toBeLessThan(500);
  });
});

describe('/metrics', () => {
  it('runs by outcome, durations, decisions, running runs, engine info', async () => {
    api = await openInProcessApi();
    const { call } = api;
    const scrape = async () => (await (await api!.request('/metrics')).text()).split('\n');
    expect(await scrape()).toContain('goose_flow_engine_info{engine="embedded"} 1');
    await call('POST', '/schedules', 201, S.Schedule, {
      id: 'm',
      cron: '@yearly',
      recipe: api.box.recipe('m.yaml'),
      timezone: 'UTC',
    });
    await call('POST', '/schedules/m/trigger', 200, S.TriggerResult);
    const lines = await waitFor(
      async () => {
        const l = await scrape();
        return l.includes('goose_flow_runs_total{status="succeeded"} 1') && l;
      },
      30_000,
      'a succeeded run to be counted',
    );
    expect(lines).toContain('goose_flow_run_duration_seconds_count{status="succeeded"} 1');
    expect(lines.some((l) => l.startsWith('goose_flow_running_runs{status="running"}'))).toBe(true);
    expect(lines).toContain('goose_flow_decisions_total{decision="started"} 1');
  });
});
