/**
 * REST /api/v1 against a real `serve --port 0` — the thin set that needs the process. The routes
 * themselves (schemas, the document, bad input, auth, CORS answers, 405s, pagination, schedule
 * and run life cycles, /metrics) are tested in process, on the embedded engine, in test/http/;
 * the engines' shared behaviour by test/engine-contract (both engines). Here, on both engines:
 * one life cycle end to end over the port (the daemon's scheduler or Temporal worker drives the
 * runs; listings may be served from memory; /health and /ports are answered on node:http; the
 * token comes from GOOSE_FLOW_TOKEN). Then what only a process shows: binding beyond loopback,
 * how CORS origins reach `serve`, the Host/Origin guards, TRACE, hostile recipes.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { cli, postEarly, sandbox, startCli, waitFor, type Sandbox } from '../support/harness.js';
import { forEachEngineOverHttp } from '../support/http-engines.js';
import { PublishedApi } from '../support/published-api.js';

forEachEngineOverHttp('serve --port, end to end', (c) => {
  it('a schedule is created and triggered, its runs settle and are listed; /metrics, probes and the token over the port', async () => {
    const token = 'tok-' + randomBytes(8).toString('hex');
    const base = await c().serveHttp({ GOOSE_FLOW_TOKEN: token });
    const root = base.replace(/\/api\/v1$/, '');
    const port = Number(new URL(base).port);
    const auth = { authorization: `Bearer ${token}` };
    const published = await PublishedApi.load(base, auth);
    /** A request with the token, its body checked against its zod schema and the published document. */
    async function call<T extends z.ZodType>(
      method: string,
      path: string,
      status: number,
      schema: T | null,
      body?: unknown,
      headers: Record<string, string> = auth,
    ): Promise<z.infer<T>> {
      const r = await fetch(base + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      expect(r.status, `${method} ${path}: ${text}`).toBe(status);
      if (text && (r.headers.get('content-type') ?? '').includes('application/json')) {
        const problems = published.check(method, path, status, JSON.parse(text));
        expect(problems, `${method} ${path} → ${status} against the published document`).toEqual(
          [],
        );
      }
      if (!schema) return (text ? JSON.parse(text) : undefined) as z.infer<T>;
      const parsed = schema.safeParse(JSON.parse(text));
      expect(
        parsed.success,
        `${method} ${path} does not match its schema: ${JSON.stringify(parsed.error?.issues)}`,
      ).toBe(true);
      return parsed.data as z.infer<T>;
    }

    // The probes Goose's client polls, answered on node:http without the token.
    expect(await (await fetch(`${root}/health`)).json()).toEqual({ status: 'healthy' });
    const temporalPort =
      c().engine === 'temporal' ? Number(c().env.GOOSE_FLOW_TEMPORAL_ADDRESS!.split(':').pop()) : 0;
    expect(await (await fetch(`${root}/ports`)).json()).toMatchObject({
      http_port: port,
      temporal_port: temporalPort,
    });
    // GOOSE_FLOW_TOKEN reached the server: /api and /metrics need it.
    await call('GET', '/status', 401, S.ErrorBody, undefined, {});
    expect((await fetch(`${root}/metrics`)).status).toBe(401);
    expect((await call('GET', '/status', 200, S.Status)).engine).toBe(c().engine);

    const created = await call('POST', '/schedules', 201, S.Schedule, {
      id: 'nightly',
      cron: '0 0 3 * * *',
      recipe: c().box.recipe('api.yaml', { sleep: 1 }),
      timezone: 'UTC',
      overlap: 'allow_all',
    });
    expect(created).toMatchObject({ id: 'nightly', overlap: 'allow_all' });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await call('POST', '/schedules/nightly/trigger', 200, S.TriggerResult, {});
      expect(t.decision).toBe('started');
      ids.push(t.run!.id);
    }
    await waitFor(
      async () =>
        (await call('GET', '/runs?scheduleId=nightly&status=succeeded&limit=100', 200, S.RunPage))
          .runs.length === 2,
      30_000,
      'two succeeded runs',
    );
    const first = await call('GET', '/runs?scheduleId=nightly&limit=1', 200, S.RunPage);
    expect(first.nextCursor).not.toBeNull();
    const second = await call(
      'GET',
      `/runs?scheduleId=nightly&limit=1&cursor=${first.nextCursor}`,
      200,
      S.RunPage,
    );
    expect(second.nextCursor).toBeNull();
    expect([...first.runs, ...second.runs].map((r) => r.id).sort()).toEqual([...ids].sort());
    const detail = await call('GET', `/runs/${encodeURIComponent(ids[0]!)}`, 200, S.RunDetail);
    expect(detail.attempts[0]!.status).toBe('succeeded');
    const logs = await call('GET', `/runs/${encodeURIComponent(ids[0]!)}/logs`, 200, S.LogChunk);
    expect(logs.data).toContain('stand-in: done');
    const listed = await call('GET', '/schedules', 200, S.SchedulePage);
    expect(listed.schedules.map((s) => s.id)).toEqual(['nightly']);
    expect((await call('GET', '/status', 200, S.Status)).schedules.total).toBe(1);

    // /metrics follows this engine's event feed.
    const scrape = async () =>
      (await (await fetch(`${root}/metrics`, { headers: auth })).text()).split('\n');
    const lines = await waitFor(
      async () => {
        const l = await scrape();
        return l.includes('goose_flow_runs_total{status="succeeded"} 2') && l;
      },
      30_000,
      'two succeeded runs to be counted',
    );
    expect(lines).toContain(`goose_flow_engine_info{engine="${c().engine}"} 1`);
    expect(lines).toContain('goose_flow_run_duration_seconds_count{status="succeeded"} 2');
    expect(lines.some((l) => l.startsWith('goose_flow_running_runs{status="running"}'))).toBe(true);
    if (c().engine === 'embedded')
      expect(lines).toContain('goose_flow_decisions_total{decision="started"} 2');

    // A body over the limit is answered before it is read, and the connection survives it.
    const huge = await postEarly(
      `${base}/schedules`,
      JSON.stringify({ id: 'x', cron: '@daily', recipe: 'x', note: 'x'.repeat(2 * 1024 * 1024) }),
      auth,
    );
    expect(huge.status).toBe(413);
    expect(S.ErrorBody.parse(JSON.parse(huge.body)).error.code).toBe('body_too_large');

    await call('DELETE', '/schedules/nightly', 204, null);
    await call('GET', '/schedules/nightly', 404, S.ErrorBody);
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

  it('takes CORS origins from --cors-origin and GOOSE_FLOW_CORS_ORIGINS (what CORS answers: test/http)', async () => {
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
        const r = await fetch(url, { headers: { authorization: `Bearer ${token}`, origin } });
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      }
      // The token is still required.
      const noToken = await fetch(url, { headers: { origin: 'http://localhost:5173' } });
      expect(noToken.status).toBe(401);
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

  it('refuses cross-site requests (CSRF) and foreign Host names (DNS rebinding); Goose and the CLI pass; TRACE is 405', async () => {
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

      // TRACE, which fetch (and so Hono's app.request) cannot send: 405 with Allow, or 404.
      const trace = await raw(port, 'TRACE', '/api/v1/runs', { host });
      expect(trace.status).toBe(405);
      expect(JSON.parse(trace.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
      expect((await raw(port, 'TRACE', '/nowhere', { host })).status).toBe(404);
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
