import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { App } from '../app.js';
import { EnvironmentError, UsageError } from '../domain/errors.js';
import { bearerOf, sameSecret } from './auth.js';
import { bindsLoopbackOnly, refusal, type GuardOptions, type Refusal } from './guards.js';
import { GooseJobs } from './goose-jobs.js';
import { HotListings, isHotPath } from './hot-listings.js';
import { isJobsPath, jobsFace } from './jobs-face.js';
import { apiV1 } from './api/routes.js';
import { FeedHub } from './feed-hub.js';
import { Metrics } from './metrics.js';
import { loadAssets, serveDashboard, type DashboardAssets } from './dashboard.js';

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  /** Goose's temporal-service contract: if the port is taken, try the next ones (up to +100). */
  readonly probe: boolean;
  /** `GOOSE_FLOW_JOBS_KEY` (opt-in): `/jobs` then needs a matching `X-Secret-Key`. */
  readonly secretKey: string | null;
  /** `GOOSE_FLOW_TOKEN`: required to bind anything but loopback. */
  readonly token: string | null;
  /** Browser origins allowed to call `/api` (CORS); empty: CORS off. */
  readonly corsOrigins?: readonly string[];
  /** Host names served besides the loopback ones, on a loopback bind (DNS rebinding). */
  readonly allowedHosts?: readonly string[];
  /** The Temporal ports to report on `/ports` (0 without Temporal). */
  readonly temporalPorts: () => { temporal_port: number; ui_port: number };
  /** The dashboard's built files (dashboard.ts); none: no dashboard at `/`. */
  readonly dashboard?: DashboardAssets;
}

export interface HttpServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const PROBE_SPAN = 100;

/** The HTTP faces of `serve`: the goose-compatible surface (and, later, `/api/v1`). */
export function httpApp(
  app: App,
  opts: HttpOptions,
  port: () => number,
  hub: FeedHub = new FeedHub(app.events),
  metrics: Metrics = new Metrics(app),
  hot: HotListings | null = null,
): Hono {
  const web = new Hono();

  web.get('/health', (c) => c.json({ status: 'healthy' }));
  // Goose's client calls /ports without the secret.
  web.get('/ports', (c) => c.json({ http_port: port(), ...opts.temporalPorts() }));
  // POST /jobs is answered ahead of this app, on plain node:http (jobs-face.ts).
  // CORS before the token check: a browser's preflight carries no Authorization header.
  if (opts.corsOrigins && opts.corsOrigins.length > 0) {
    web.use(
      '/api/*',
      cors({
        origin: [...opts.corsOrigins],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
        allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
        maxAge: 600,
      }),
    );
  }
  // REST API: a bearer token when one is configured (always, when bound beyond loopback).
  web.use('/api/*', async (c, next) => {
    if (opts.token !== null) {
      if (!sameSecret(bearerOf(c.req.header('authorization')), opts.token)) {
        return c.json(
          {
            error: {
              code: 'unauthorized',
              message: 'send Authorization: Bearer <GOOSE_FLOW_TOKEN>',
              details: {},
            },
          },
          401,
          { 'WWW-Authenticate': 'Bearer' },
        );
      }
    }
    return next();
  });
  web.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          {
            error: {
              code: 'body_too_large',
              message: `request body larger than ${MAX_BODY_BYTES} bytes`,
              details: { maxBytes: MAX_BODY_BYTES },
            },
          },
          413,
        ),
    }),
  );
  web.route('/api/v1', apiV1(app, hub, opts.token !== null, hot));
  web.use('/metrics', async (c, next) => {
    if (opts.token !== null) {
      if (!sameSecret(bearerOf(c.req.header('authorization')), opts.token))
        return c.text('send Authorization: Bearer <GOOSE_FLOW_TOKEN>\n', 401, {
          'WWW-Authenticate': 'Bearer',
        });
    }
    return next();
  });
  web.get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );
  if (opts.dashboard && opts.dashboard.size > 0) serveDashboard(web, opts.dashboard);
  web.notFound((c) => {
    // A route that exists for other methods (TRACE, or DELETE on a listing) is 405, with Allow.
    const allowed = methodsOf(web, c.req.path);
    if (allowed.length > 0)
      return c.json(
        {
          error: {
            code: 'method_not_allowed',
            message: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`,
            details: { allowed },
          },
        },
        405,
        { Allow: allowed.join(', ') },
      );
    return c.json(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path}`,
          details: {},
        },
      },
      404,
    );
  });
  web.onError((err, c) =>
    c.json({ error: { code: 'internal', message: err.message, details: {} } }, 500),
  );
  return web;
}

/** Listens on host:port (probing upward in compat mode); resolves with the port it got. */
export async function startHttp(app: App, opts: HttpOptions): Promise<HttpServer> {
  const loopbackBind = await bindsLoopbackOnly(opts.host);
  if (!loopbackBind && !opts.token) {
    throw new EnvironmentError(
      'token_required',
      `binding ${opts.host} exposes goose-flow beyond this machine: set GOOSE_FLOW_TOKEN (clients send it as a bearer token), or bind 127.0.0.1`,
      { host: opts.host },
    );
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new UsageError(`port must be a whole number from 0 to 65535, got ${opts.port}`, {
      port: opts.port,
    });
  const hub = new FeedHub(app.events);
  const metrics = new Metrics(app);
  try {
    return await listenOn(app, { dashboard: loadAssets(), ...opts }, hub, metrics, {
      loopbackBind,
      allowedHosts: opts.allowedHosts ?? [],
      corsOrigins: opts.corsOrigins ?? [],
    });
  } catch (err) {
    // Nothing of a server that never listened may keep the process alive.
    metrics.close();
    hub.close();
    throw err;
  }
}

async function listenOn(
  app: App,
  opts: HttpOptions,
  hub: FeedHub,
  metrics: Metrics,
  guard: GuardOptions,
): Promise<HttpServer> {
  let bound = 0;
  await metrics.start(hub);
  const hot = new HotListings(() => app.events.stateVersion());
  const web = httpApp(app, opts, () => bound, hub, metrics, hot);
  // A hit needs no CORS headers (no Origin) and the token when one is set; anything else goes
  // through the app.
  const fromMemory = (req: IncomingMessage, res: ServerResponse) =>
    isHotPath(req.url) &&
    req.headers.origin === undefined &&
    (opts.token === null || sameSecret(bearerOf(req.headers.authorization), opts.token)) &&
    hot.serve(req, res);
  const hono = getRequestListener(web.fetch, { hostname: opts.host });
  const jobs = jobsFace(new GooseJobs(app), {
    secretKey: opts.secretKey,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const last = opts.probe && opts.port !== 0 ? Math.min(65535, opts.port + PROBE_SPAN) : opts.port;
  for (let port = opts.port; port <= last; port++) {
    // Goose's /jobs first, on plain node:http; everything else through the Hono app.
    const server = createServer((req, res) => {
      const forJobs = isJobsPath(req.url);
      const refused = refusal(req, forJobs, guard);
      if (refused) return refuse(req, res, refused, forJobs);
      if (forJobs) jobs(req, res);
      else if (!answerProbe(req, res, () => bound, opts) && !fromMemory(req, res))
        void hono(req, res);
    });
    const result = await new Promise<number | NodeJS.ErrnoException>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
      server.listen(port, opts.host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
    if (typeof result === 'number') {
      bound = result;
      return {
        port: result,
        host: opts.host,
        close: () =>
          new Promise<void>((resolve) => {
            // Live streams end first, so no handler waits on a connection that is going away.
            metrics.close();
            hub.close();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    }
    if (result.code !== 'EADDRINUSE' || port === last) {
      throw new EnvironmentError(
        result.code === 'EADDRINUSE' ? 'port_in_use' : 'http_listen_failed',
        result.code === 'EADDRINUSE'
          ? opts.probe
            ? `ports ${opts.port}–${last} on ${opts.host} are all taken`
            : `port ${port} on ${opts.host} is already taken; pass another --port (0 = any free port)`
          : `cannot listen on ${opts.host}:${port}: ${result.message}`,
        { host: opts.host, port },
      );
    }
  }
  throw new EnvironmentError('port_in_use', `no free port from ${opts.port}`);
}

/** A refused request: its body is read into nothing, the answer is in the face's error shape. */
function refuse(req: IncomingMessage, res: ServerResponse, r: Refusal, jobs: boolean): void {
  req.resume();
  const body = JSON.stringify(
    jobs
      ? { success: false, message: r.message }
      : { error: { code: r.code, message: r.message, details: {} } },
  );
  res.writeHead(r.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The methods routes of `web` answer on `path` (middleware, `ALL` routes, excluded). */
function methodsOf(web: Hono, path: string): string[] {
  const methods = new Set<string>();
  for (const route of web.routes) {
    if (route.method === 'ALL') continue;
    const pattern = new RegExp(
      '^' +
        route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:[A-Za-z0-9_]+/g, '[^/]+') +
        '/?$',
    );
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/**
 * `/health` and `/ports` answered at once on plain node:http: what Goose's client polls (every
 * 500 ms while it waits, and at each start) must not wait behind the app's machinery.
 */
function answerProbe(
  req: IncomingMessage,
  res: ServerResponse,
  port: () => number,
  opts: HttpOptions,
): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '').split('?', 1)[0];
  let body: string;
  if (path === '/health') body = '{"status":"healthy"}';
  else if (path === '/ports') body = JSON.stringify({ http_port: port(), ...opts.temporalPorts() });
  else return false;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
