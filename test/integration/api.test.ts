/**
 * REST /api/v1 against a real `serve --port 0`, on both engines: every response is checked against
 * the schema the OpenAPI document publishes for it, and the document itself is validated.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { cli, postEarly, sandbox, startCli, waitFor, type Sandbox } from '../support/harness.js';
import { forEachEngineOverHttp } from '../support/http-engines.js';
import { PublishedApi } from '../support/published-api.js';

forEachEngineOverHttp('REST /api/v1', (c) => {
  const published = new Map<string, Promise<PublishedApi>>();
  /**
   * A request, its status checked, its body checked against our zod schema and against the
   * schema the server's OpenAPI document publishes for that route and status.
   */
  async function call<T extends z.ZodType>(
    base: string,
    method: string,
    path: string,
    status: number,
    schema: T | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<z.infer<T>> {
    const r = await fetch(base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await r.text();
    expect(r.status, `${method} ${path}: ${text}`).toBe(status);
    // (Without the token the document itself is refused: a 401 is checked by its zod schema only.)
    const json = (r.headers.get('content-type') ?? '').includes('application/json');
    if (text && json && !(status === 401 && !published.has(base))) {
      if (!published.has(base)) published.set(base, PublishedApi.load(base, headers));
      const api = await published.get(base)!;
      const problems = api.check(method, path, status, JSON.parse(text));
      expect(problems, `${method} ${path} → ${status} against the published document`).toEqual([]);
    }
    if (!schema) return (text ? JSON.parse(text) : undefined) as z.infer<T>;
    const parsed = schema.safeParse(JSON.parse(text));
    expect(
      parsed.success,
      `${method} ${path} does not match its schema: ${JSON.stringify(parsed.error?.issues)}`,
    ).toBe(true);
    return parsed.data as z.infer<T>;
  }

  it('publishes a valid OpenAPI document that names every route', async () => {
    const base = await c().serveHttp();
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
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
        '/schedules',
        '/schedules/{id}',
        '/schedules/{id}/backfill',
        '/schedules/{id}/next',
        '/schedules/{id}/pause',
        '/schedules/{id}/resume',
        '/schedules/{id}/trigger',
        '/status',
      ].sort(),
    );
  });

  it('schedules and runs through their whole life, each response as documented', async () => {
    const base = await c().serveHttp();
    const recipe = c().box.recipe('api.yaml', { sleep: 1 });
    const slow = c().box.recipe('slow.yaml', { sleep: 30 });
    const created = await call(base, 'POST', '/schedules', 201, S.Schedule, {
      id: 'nightly',
      cron: '0 0 3 * * *',
      recipe,
      timezone: 'UTC',
      overlap: 'allow_all',
    });
    expect(created).toMatchObject({ id: 'nightly', cron: '0 0 3 * * *', overlap: 'allow_all' });
    const list = await call(base, 'GET', '/schedules', 200, null);
    expect((list as unknown as { schedules: unknown[] }).schedules).toHaveLength(1);
    const next = await call(base, 'GET', '/schedules/nightly/next?count=3', 200, null);
    expect(
      (next as unknown as { next: string[] }).next.map((t) => new Date(t).getUTCHours()),
    ).toEqual([3, 3, 3]);

    const patched = await call(base, 'PATCH', '/schedules/nightly', 200, S.Schedule, {
      cron: '0 30 4 * * *',
      note: 'moved',
    });
    expect(patched.cron).toBe('0 30 4 * * *');
    expect(
      (await call(base, 'POST', '/schedules/nightly/pause', 200, S.Schedule, { note: 'hold' }))
        .paused,
    ).toBe(true);
    expect(
      (await call(base, 'POST', '/schedules/nightly/resume', 200, S.Schedule, {})).paused,
    ).toBe(false);

    // Three triggers: three runs, read back in pages of two.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await call(base, 'POST', '/schedules/nightly/trigger', 200, S.TriggerResult, {
        overlap: 'allow_all',
      });
      expect(t.decision).toBe('started');
      ids.push(t.run!.id);
    }
    await waitFor(
      async () => {
        const page = await call(
          base,
          'GET',
          '/runs?scheduleId=nightly&status=succeeded&limit=100',
          200,
          S.RunPage,
        );
        return page.runs.length === 3;
      },
      30_000,
      'three succeeded runs',
    );
    const first = await call(base, 'GET', '/runs?scheduleId=nightly&limit=2', 200, S.RunPage);
    expect(first.runs).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await call(
      base,
      'GET',
      `/runs?scheduleId=nightly&limit=2&cursor=${first.nextCursor}`,
      200,
      S.RunPage,
    );
    expect(second.runs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.runs, ...second.runs].map((r) => r.id).sort()).toEqual([...ids].sort());

    const detail = await call(
      base,
      'GET',
      `/runs/${encodeURIComponent(ids[0]!)}`,
      200,
      S.RunDetail,
    );
    expect(detail.attempts[0]!.status).toBe('succeeded');
    const logs = await call(
      base,
      'GET',
      `/runs/${encodeURIComponent(ids[0]!)}/logs?offset=0&limit=40`,
      200,
      S.LogChunk,
    );
    expect(logs.data.length).toBeGreaterThan(0);
    expect(logs.nextOffset).toBe(logs.offset + Buffer.byteLength(logs.data));
    const rest = await call(
      base,
      'GET',
      `/runs/${encodeURIComponent(ids[0]!)}/logs?offset=${logs.nextOffset}`,
      200,
      S.LogChunk,
    );
    expect(rest.complete).toBe(true);
    expect(rest.data).toContain('stand-in: done');

    // Kill: a slow schedule's run is cancelled and its tree stopped.
    await call(base, 'POST', '/schedules', 201, S.Schedule, {
      id: 'slow',
      cron: '@yearly',
      recipe: slow,
      timezone: 'UTC',
    });
    const started = await call(base, 'POST', '/schedules/slow/trigger', 200, S.TriggerResult);
    const runId = encodeURIComponent(started.run!.id);
    await waitFor(
      async () =>
        (await call(base, 'GET', `/runs/${runId}`, 200, S.RunDetail)).status === 'running',
      20_000,
      'running',
    );
    // While it runs, a trigger with `skip` starts nothing: `run` is null (and documented so).
    const skipped = await call(base, 'POST', '/schedules/slow/trigger', 200, S.TriggerResult, {
      overlap: 'skip',
    });
    expect(skipped).toMatchObject({ decision: 'skipped_overlap', run: null });
    const killed = await call(base, 'POST', `/runs/${runId}/kill`, 200, S.Run);
    expect(killed.status).toBe('cancelled');
    await call(base, 'POST', `/runs/${runId}/kill`, 409, S.ErrorBody);

    const backfill = await call(
      base,
      'POST',
      '/schedules/nightly/backfill',
      200,
      S.BackfillResult,
      {
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-02T23:59:59Z',
        overlap: 'allow_all',
      },
    );
    expect(backfill.decided.map((d) => d.scheduledAt)).toEqual([
      '2026-01-01T04:30:00.000Z',
      '2026-01-02T04:30:00.000Z',
    ]);

    const verdict = await call(base, 'POST', '/recipes/validate', 200, S.RecipeVerdict, {
      recipe,
    });
    expect(verdict).toMatchObject({ valid: true, headless: { ok: true } });
    const status = await call(base, 'GET', '/status', 200, S.Status);
    expect(status.engine).toBe(c().engine);
    expect(status.schedules.total).toBe(2);

    const page1 = await call(base, 'GET', '/schedules?limit=1', 200, S.SchedulePage);
    expect([page1.schedules.map((x) => x.id), page1.nextCursor]).toEqual([['nightly'], 'nightly']);
    const page2 = await call(base, 'GET', '/schedules?limit=1&cursor=nightly', 200, S.SchedulePage);
    expect([page2.schedules.map((x) => x.id), page2.nextCursor]).toEqual([['slow'], null]);
    await call(base, 'DELETE', '/schedules/slow', 204, null);
    await call(base, 'GET', '/schedules/slow', 404, S.ErrorBody);
  });

  it('bad input: the right 4xx with the error shape, never a 5xx, nothing written', async () => {
    const base = await c().serveHttp();
    const recipe = c().box.recipe('ok.yaml');
    const bad = async (
      method: string,
      path: string,
      status: number,
      body?: unknown,
      code?: RegExp,
    ) => {
      const e = await call(base, method, path, status, S.ErrorBody, body);
      if (code) expect(`${e.error.code}: ${e.error.message}`).toMatch(code);
      return e;
    };
    await bad('POST', '/schedules', 400, '{not json', /invalid_request/);
    // A body that is not sent as JSON is 415, with what to send.
    const plain = await fetch(`${base}/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ id: 'x', cron: '@daily', recipe }),
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({
      error: {
        code: 'unsupported_media_type',
        message: expect.stringMatching(/application\/json/),
      },
    });
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, extra: 1 },
      /field 'extra': unknown field/,
    );
    await bad('POST', '/schedules', 400, { id: 'x', cron: 5, recipe }, /field 'cron'/);
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '61 * * * *', recipe },
      /field 'cron': invalid cron .*minute/,
    );
    // Errors name the API's fields, never a CLI flag.
    const long = await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, timeout: '400d' },
      /field 'timeout': '400d' is out of range: allowed 100ms to 365d/,
    );
    expect(long.error.message).not.toContain('--');
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, timezone: 'Mars/Olympus' },
      /unknown time zone/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe: '/etc/passwd' },
      /not a recipe file/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: '../x', cron: '@daily', recipe },
      /invalid schedule id/,
    );
    const huge = await postEarly(
      `${base}/schedules`,
      JSON.stringify({ id: 'x', cron: '@daily', recipe, note: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(S.ErrorBody.parse(JSON.parse(huge.body)).error.code).toBe('body_too_large');
    await bad(
      'POST',
      '/recipes/validate',
      400,
      { recipe: '../../etc/shadow' },
      /not a recipe file/,
    );
    await bad('GET', '/runs?status=bogus', 400, undefined, /field 'status'/);
    await bad('GET', '/runs?cursor=garbage', 400, undefined, /cursor/);
    await bad('GET', '/runs/..%2F..%2Fetc%2Fpasswd', 404, undefined, /run_not_found/);
    await bad('GET', '/runs/no-such-run/logs', 404, undefined, /run_not_found/);
    await bad('GET', '/schedules/nope', 404, undefined, /schedule_not_found/);
    await bad('PATCH', '/schedules/nope', 404, { cron: '@daily' }, /schedule_not_found/);
    await bad('POST', '/schedules/nope/trigger', 404, {}, /schedule_not_found/);
    await bad('GET', '/nowhere', 404);
    // Times are checked, not only documented.
    await bad(
      'POST',
      '/schedules/nope/backfill',
      400,
      { from: '', to: '2026-11-27T06:00:00Z' },
      /field 'from': expected an RFC 3339 time/,
    );
    await bad(
      'POST',
      '/schedules/nope/backfill',
      400,
      { from: '2026-11-27T05:00:00Z', to: 'x' },
      /field 'to'/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, start: 'tomorrow' },
      /field 'start'/,
    );
    await bad('PATCH', '/schedules/nope', 400, undefined, /fields to change as a JSON object/);
    const list = await call(base, 'GET', '/schedules', 200, null);
    expect((list as unknown as { schedules: unknown[] }).schedules).toEqual([]);
  });

  it('/metrics: runs by outcome, durations, decisions, running runs, engine info', async () => {
    const base = await c().serveHttp();
    const root = base.replace(/\/api\/v1$/, '');
    const scrape = async () => (await (await fetch(`${root}/metrics`)).text()).split('\n');
    expect(await scrape()).toContain(`goose_flow_engine_info{engine="${c().engine}"} 1`);
    await call(base, 'POST', '/schedules', 201, S.Schedule, {
      id: 'm',
      cron: '@yearly',
      recipe: c().box.recipe('m.yaml'),
      timezone: 'UTC',
    });
    await call(base, 'POST', '/schedules/m/trigger', 200, S.TriggerResult);
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
    if (c().engine === 'embedded')
      expect(lines).toContain('goose_flow_decisions_total{decision="started"} 1');
  });

  it('with GOOSE_FLOW_TOKEN, /api needs the bearer token (constant-time compared)', async () => {
    const token = 'tok-' + randomBytes(8).toString('hex');
    const base = await c().serveHttp({ GOOSE_FLOW_TOKEN: token });
    await call(base, 'GET', '/status', 401, S.ErrorBody);
    await call(base, 'GET', '/status', 401, S.ErrorBody, undefined, {
      authorization: 'Bearer wrong',
    });
    await call(base, 'GET', '/status', 401, S.ErrorBody, undefined, { authorization: token });
    const ok = await call(base, 'GET', '/status', 200, S.Status, undefined, {
      authorization: `Bearer ${token}`,
    });
    // The scheme is case-insensitive (RFC 9110).
    await call(base, 'GET', '/status', 200, S.Status, undefined, {
      authorization: `bearer ${token}`,
    });
    expect(ok.engine).toBe(c().engine);
    const root = base.replace(/\/api\/v1$/, '');
    expect((await fetch(`${root}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${root}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    // /health never needs a key or token.
    expect((await fetch(`${root}/health`)).status).toBe(200);
    expect(c().server().out.stdout + c().server().out.stderr).not.toContain(token);
  });
});

describe('binding beyond loopback', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = sandbox();
  });
  afterEach(() => box.cleanup());

  it('is refused without GOOSE_FLOW_TOKEN, and never sends CORS headers', async () => {
    const refused = await cli(['serve', '--port', '0', '--host', '0.0.0.0'], box.env, {
      timeoutMs: 30_000,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/binding 0\.0\.0\.0 .*GOOSE_FLOW_TOKEN/);

    const token = 'tok-' + randomBytes(8).toString('hex');
    const d = startCli(['serve', '--port', '0', '--host', '0.0.0.0', '--log-format', 'json'], {
      ...box.env,
      GOOSE_FLOW_TOKEN: token,
    });
    try {
      const line = await waitFor(
        () => d.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'serve to listen',
      );
      const port = (JSON.parse(line) as { port: number }).port;
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/status`, {
        headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`http://127.0.0.1:${port}/api/v1/status`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.status).toBeGreaterThanOrEqual(400);
      expect(preflight.status).toBeLessThan(500);
    } finally {
      d.kill('SIGTERM');
      await d.closed;
    }
  });

  it('answers CORS only for the origins --cors-origin / GOOSE_FLOW_CORS_ORIGINS name, before the token check', async () => {
    const bad = await cli(
      ['serve', '--port', '0', '--cors-origin', 'http://localhost:5173/'],
      box.env,
      {
        timeoutMs: 30_000,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cors-origin: 'http:\/\/localhost:5173\/' is not an origin/);
    const noPort = await cli(['serve', '--cors-origin', 'http://localhost:5173'], box.env, {
      timeoutMs: 30_000,
    });
    expect(noPort.code).toBe(2);
    expect(noPort.stderr).toMatch(/--cors-origin needs --port/);

    const token = 'tok-' + randomBytes(8).toString('hex');
    const d = startCli(
      ['serve', '--port', '0', '--log-format', 'json', '--cors-origin', 'http://localhost:5173'],
      { ...box.env, GOOSE_FLOW_TOKEN: token, GOOSE_FLOW_CORS_ORIGINS: 'https://dash.example' },
    );
    try {
      const line = await waitFor(
        () => d.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'serve to listen',
      );
      const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/api/v1/status`;
      for (const origin of ['http://localhost:5173', 'https://dash.example']) {
        const preflight = await fetch(url, {
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
        const r = await fetch(url, { headers: { authorization: `Bearer ${token}`, origin } });
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      }
      // The token is still required; other origins get no CORS headers.
      const noToken = await fetch(url, { headers: { origin: 'http://localhost:5173' } });
      expect(noToken.status).toBe(401);
      const other = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' },
      });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      d.kill('SIGTERM');
      await d.closed;
    }
  });
});

describe('a web page in the browser cannot drive the daemon', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = sandbox();
  });
  afterEach(() => box.cleanup());

  /** node:http, so that Host and Origin are what a browser (or a rebinding page) would send. */
  function raw(
    port: number,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses cross-site requests (CSRF) and foreign Host names (DNS rebinding); Goose and the CLI pass', async () => {
    const d = startCli(
      ['serve', '--port', '0', '--log-format', 'json', '--allowed-host', 'goose.internal'],
      box.env,
    );
    try {
      const line = await waitFor(
        () => d.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'serve to listen',
      );
      const port = (JSON.parse(line) as { port: number }).port;
      const host = `127.0.0.1:${port}`;
      const create = JSON.stringify({
        action: 'create',
        job_id: 'csrf',
        cron: '0 0 12 * * * *',
        recipe_path: box.recipe('csrf.yaml'),
      });
      // A "simple" cross-site POST, as any page can send: refused, and nothing is created.
      const simple = await raw(
        port,
        'POST',
        '/jobs',
        {
          host,
          origin: 'http://evil.example',
          'content-type': 'text/plain',
        },
        create,
      );
      expect(simple.status).toBe(403);
      expect(JSON.parse(simple.body)).toMatchObject({ success: false });
      expect(
        (await raw(port, 'POST', '/jobs', { host, 'content-type': 'text/plain' }, create)).status,
      ).toBe(415);
      const list = JSON.stringify({
        action: 'list',
        job_id: null,
        cron: null,
        recipe_path: null,
        execution_mode: null,
      });
      const goose = await raw(
        port,
        'POST',
        '/jobs',
        {
          host: `localhost:${port}`,
          'content-type': 'application/json',
        },
        list,
      );
      expect(JSON.parse(goose.body)).toMatchObject({ success: true, jobs: [] });

      // /api: a change from another origin is refused; this server's own pages reach the route.
      const kill = (origin: string) =>
        raw(port, 'POST', '/api/v1/runs/r-x/kill', {
          host,
          origin,
          'sec-fetch-site': 'cross-site',
        });
      expect((await kill('http://evil.example')).status).toBe(403);
      const own = await raw(port, 'POST', '/api/v1/runs/r-x/kill', {
        host,
        origin: `http://${host}`,
        'sec-fetch-site': 'same-origin',
      });
      expect(own.status).toBe(404);

      // A rebinding page sends its own name as Host.
      for (const path of ['/api/v1/runs', '/health', '/ports']) {
        const rebind = await raw(port, 'GET', path, { host: `rebind.evil.example:${port}` });
        expect(rebind.status, path).toBe(403);
      }
      expect((await raw(port, 'GET', '/api/v1/runs', { host: `localhost:${port}` })).status).toBe(
        200,
      );
      expect(
        (await raw(port, 'GET', '/api/v1/runs', { host: `goose.internal:${port}` })).status,
      ).toBe(200);
    } finally {
      d.kill('SIGTERM');
      await d.closed;
    }
  });

  it('a method a route does not take is 405 with Allow (TRACE too); the document bounds offset', async () => {
    const d = startCli(['serve', '--port', '0', '--log-format', 'json'], box.env);
    try {
      const line = await waitFor(
        () => d.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'serve to listen',
      );
      const port = (JSON.parse(line) as { port: number }).port;
      const host = `127.0.0.1:${port}`;
      for (const [method, path] of [
        ['TRACE', '/api/v1/runs'],
        ['DELETE', '/api/v1/runs'],
        ['PUT', '/api/v1/schedules/x'],
      ] as const) {
        const r = await raw(port, method, path, { host });
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
      }
      expect((await raw(port, 'TRACE', '/nowhere', { host })).status).toBe(404);
      const doc = JSON.parse((await raw(port, 'GET', '/api/v1/openapi.json', { host })).body) as {
        paths: Record<
          string,
          Record<string, { parameters?: { name: string; schema: { minimum?: number } }[] }>
        >;
      };
      const logs = Object.entries(doc.paths).find(([p]) => p.endsWith('/logs'))![1].get!;
      expect(logs.parameters!.find((p) => p.name === 'offset')!.schema.minimum).toBe(0);
    } finally {
      d.kill('SIGTERM');
      await d.closed;
    }
  });

  it('a bind address is checked by what it is, not by how it starts', async () => {
    const refused = await cli(
      ['serve', '--port', '0', '--host', '127.0.0.1.example.invalid'],
      box.env,
      { timeoutMs: 30_000 },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/binding 127\.0\.0\.1\.example\.invalid .*GOOSE_FLOW_TOKEN/);
  });
});

describe('hostile recipes', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = sandbox();
  });
  afterEach(() => box.cleanup());

  it('each is a clear answer (4xx or a finding) while the daemon stays up and keeps firing on time', async () => {
    const { execFileSync } = await import('node:child_process');
    const { symlinkSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const head = 'version: 1.0.0\ntitle: t\ndescription: d\nprompt: p\n';
    const write = (name: string, text: string) => {
      const p = join(box.root, name);
      writeFileSync(p, text);
      return p;
    };
    const fifo = join(box.root, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = join(box.root, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    let keys = head;
    for (let i = 0; keys.length < 120 * 1024; i++) keys += `k${i}: 1\n`;
    const hostile = [
      write('deep.json', '{"title":"t","x":' + '['.repeat(60_000) + ']'.repeat(60_000) + '}'),
      write(
        'bomb.yaml',
        head +
          'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      ),
      write('unset.yaml', head + 'settings: *nowhere\n'),
      write('binary.yaml', head + `settings: !!binary ${'QUFB'.repeat(20_000)}\n`),
      write('keys.yaml', keys),
      fifo,
      zero,
    ];
    // A schedule that fires every second: the daemon must stay on time through all of it.
    const tick = box.recipe('tick.yaml', { lines: 0 });
    expect(
      (
        await cli(
          [
            'schedule',
            'add',
            'tick',
            '--cron',
            '* * * * * *',
            '--overlap',
            'allow_all',
            '--recipe',
            tick,
          ],
          box.env,
        )
      ).code,
    ).toBe(0);
    const d = startCli(['serve', '--port', '0', '--log-format', 'json'], box.env);
    try {
      const line = await waitFor(
        () => d.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'serve to listen',
      );
      const base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
      for (const recipe of hostile) {
        const r = await fetch(`${base}/api/v1/recipes/validate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ recipe }),
        });
        expect([200, 400], recipe).toContain(r.status);
        const body = (await r.json()) as {
          valid?: boolean;
          warnings?: unknown[];
          error?: { message: string };
        };
        // Thousands of unknown keys are only warnings (Goose ignores them): the rest is invalid.
        if (r.status === 200)
          expect(!body.valid || body.warnings!.length === 21, recipe).toBe(true);
        else expect(body.error!.message, recipe).toMatch(/cannot read recipe/);
        expect((await fetch(`${base}/health`)).status).toBe(200);
      }
      expect(d.exitCode).toBeNull();
      // Every occurrence of the every-second schedule started: none was missed meanwhile.
      const show = JSON.parse(
        (await cli(['schedule', 'show', 'tick', '--json', '--decisions', '100'], box.env)).stdout,
      ) as { decisions: { decision: string; detail: { lateMs?: number } }[] };
      expect(show.decisions.length).toBeGreaterThan(0);
      expect(show.decisions.every((o) => o.decision === 'started')).toBe(true);
    } finally {
      d.kill('SIGTERM');
      await d.closed;
    }
    // The CLI answers the same, with exit 2 and no stack trace.
    for (const recipe of [fifo, zero, hostile[0]!]) {
      const r = await cli(['recipe', 'validate', recipe], box.env, { timeoutMs: 30_000 });
      expect(r.code, recipe).toBe(2);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    }
  }, 180_000);
});
