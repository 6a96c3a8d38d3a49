/**
 * The HTTP app of `serve`, opened in this process on a data dir of its own (embedded engine):
 * requests go through Hono's `web.request()` — no port, no child process. What `serve` answers
 * on plain node:http ahead of Hono (Goose's `POST /jobs`, the Host/Origin guards, the `/health`
 * and `/ports` probes, listings served from memory) is not reached from here: the real-process
 * tests (test/integration/api.test.ts) keep those.
 *
 * Without a daemon, a trigger drives its run in this process (the stand-in goose is spawned by
 * the test), as a CLI trigger does; `close()` cancels whatever still runs, closes the app and
 * fails if a stand-in process was left behind.
 */
import type { Hono } from 'hono';
import type { z } from 'zod';
import { expect } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { httpApp, type HttpOptions } from '../../src/http/server.js';
import { FeedHub } from '../../src/http/feed-hub.js';
import { Metrics } from '../../src/http/metrics.js';
import { HotListings } from '../../src/http/hot-listings.js';
import { sandbox, type Sandbox } from './harness.js';
import { PublishedApi } from './published-api.js';

export interface InProcessOptions {
  /** `GOOSE_FLOW_TOKEN`: `/api` and `/metrics` then need it as a bearer token. */
  readonly token?: string;
  /** Browser origins allowed to call `/api` (CORS). */
  readonly corsOrigins?: readonly string[];
  /** What `/ports` reports as this server's port (nothing listens on it). */
  readonly port?: number;
}

export interface InProcessApi {
  readonly app: App;
  readonly web: Hono;
  readonly box: Sandbox;
  /** Warnings the app reported (its stderr, in `serve`). */
  readonly warnings: string[];
  /** Any path of the server (`/health`, `/api/v1/status`…). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /**
   * A request to `/api/v1` + `path`: its status checked, its body checked against `schema` (our
   * zod schema) and against what the published OpenAPI document says for that route and status.
   * A string body is sent as is (invalid JSON); anything else as JSON.
   */
  call<T extends z.ZodType>(
    method: string,
    path: string,
    status: number,
    schema: T | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<z.infer<T>>;
  close(): Promise<void>;
}

export const API = '/api/v1';

export async function openInProcessApi(options: InProcessOptions = {}): Promise<InProcessApi> {
  const box = sandbox({ cli: false });
  const warnings: string[] = [];
  let app: App;
  try {
    app = await openApp(
      resolveConfig({ dataDir: box.dataDir, engine: 'embedded' }, box.env),
      box.env,
      {
        warn: (message) => warnings.push(message),
      },
    );
  } catch (err) {
    box.cleanup();
    throw err;
  }
  const opts: HttpOptions = {
    host: '127.0.0.1',
    port: options.port ?? 0,
    probe: false,
    secretKey: null,
    token: options.token ?? null,
    corsOrigins: options.corsOrigins ?? [],
    allowedHosts: [],
    temporalPorts: () => ({ temporal_port: 0, ui_port: 0 }),
  };
  // As `serve` builds it: one feed hub, metrics following it, listings remembered.
  const hub = new FeedHub(app.events);
  const metrics = new Metrics(app);
  await metrics.start(hub);
  const web = httpApp(
    app,
    opts,
    () => options.port ?? 0,
    hub,
    metrics,
    new HotListings(() => app.events.stateVersion()),
  );
  const request = async (path: string, init?: RequestInit) =>
    web.request(`http://127.0.0.1${path}`, init);

  let published: PublishedApi | null = null;
  const document = async () => {
    if (published) return published;
    const r = await request(`${API}/openapi.json`, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });
    if (!r.ok) throw new Error(`GET ${API}/openapi.json: ${r.status}`);
    published = PublishedApi.of(await r.json());
    return published;
  };

  return {
    app,
    web,
    box,
    warnings,
    request,
    async call(method, path, status, schema, body, headers = {}) {
      const r = await request(API + path, {
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
      const json = (r.headers.get('content-type') ?? '').includes('application/json');
      if (text && json) {
        const problems = (await document()).check(method, path, status, JSON.parse(text));
        expect(problems, `${method} ${path} → ${status} against the published document`).toEqual(
          [],
        );
      }
      if (!schema) return (text ? JSON.parse(text) : undefined) as never;
      const parsed = schema.safeParse(JSON.parse(text));
      expect(
        parsed.success,
        `${method} ${path} does not match its schema: ${JSON.stringify(parsed.error?.issues)}`,
      ).toBe(true);
      return parsed.data as never;
    },
    async close() {
      try {
        metrics.close();
        hub.close();
        await app.runs.cancelAll('test over');
        await app.close();
      } finally {
        box.cleanup();
      }
    },
  };
}
