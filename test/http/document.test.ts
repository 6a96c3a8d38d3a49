/**
 * The OpenAPI document and the routing around `/api/v1`, in process (embedded engine): the
 * document is valid and names every route; a method a route does not take is 405 with Allow;
 * `/health` and `/ports` as the Hono app answers them.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { API, openInProcessApi, type InProcessApi } from '../support/in-process-api.js';

let api: InProcessApi;
beforeEach(async () => {
  api = await openInProcessApi({ port: 8123 });
});
afterEach(async () => api.close());

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; schema: { minimum?: number } }[] }>
  >;
  security?: unknown;
};

describe('the OpenAPI document', () => {
  it('is valid and names every route', async () => {
    const r = await api.request(`${API}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as Doc;
    const result = await new Validator().validate(doc as never);
    expect(result.valid, JSON.stringify(result.errors)).toBe(true);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/events',
        '/recipes/validate',
        '/runs/{id}/log-stream',
        '/runs',
        '/runs/{id}',
        '/runs/{id}/kill',
        '/runs/{id}/logs',
        '/runs/{id}/recipe',
        '/runs/{id}/resume',
        '/schedules',
        '/schedules/preview',
        '/schedules/{id}',
        '/schedules/{id}/backfill',
        '/schedules/{id}/next',
        '/schedules/{id}/recipe',
        '/schedules/{id}/pause',
        '/schedules/{id}/resume',
        '/schedules/{id}/trigger',
        '/stats/runs',
        '/status',
        '/templates',
        '/templates/{name}',
        '/templates/{name}/use',
      ].sort(),
    );
    // Without a token configured, no route needs one.
    expect(doc.security).toEqual([{}]);
  });

  it('bounds the log offset', async () => {
    const doc = (await (await api.request(`${API}/openapi.json`)).json()) as Doc;
    const logs = Object.entries(doc.paths).find(([p]) => p.endsWith('/logs'))![1].get!;
    expect(logs.parameters!.find((p) => p.name === 'offset')!.schema.minimum).toBe(0);
  });
});

describe('routing', () => {
  it('a method a route does not take is 405 with Allow; an unknown path is 404', async () => {
    for (const [method, path, allow] of [
      ['DELETE', `${API}/runs`, 'GET, HEAD, POST'],
      ['PUT', `${API}/schedules/x`, 'DELETE, GET, HEAD, PATCH'],
      ['GET', `${API}/runs/x/kill`, 'POST'],
      ['DELETE', `${API}/status`, 'GET, HEAD'],
    ] as const) {
      const r = await api.request(path, { method });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow'), `${method} ${path}`).toBe(allow);
      const body = S.ErrorBody.parse(await r.json());
      expect(body).toMatchObject({
        error: { code: 'method_not_allowed', details: { allowed: allow.split(', ') } },
      });
    }
    for (const path of ['/nowhere', `${API}/nowhere`, `${API}/runs/a/b/c`]) {
      const r = await api.request(path, { method: 'PUT' });
      expect(r.status, path).toBe(404);
      expect(S.ErrorBody.parse(await r.json()).error.code).toBe('not_found');
    }
    await api.call('GET', '/nowhere', 404, S.ErrorBody);
  });

  it('/health and /ports need no token and report the port', async () => {
    await api.close();
    api = await openInProcessApi({ port: 8123, token: 'tok-health' });
    const health = await api.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'healthy' });
    const ports = await api.request('/ports');
    expect(ports.status).toBe(200);
    expect(await ports.json()).toEqual({ http_port: 8123, temporal_port: 0, ui_port: 0 });
  });
});
