/**
 * A client that behaves like Goose's own Rust scheduler client (`temporal_scheduler.rs`, read at
 * the-matrixneo/goose 5fd0f398, the last version before it was removed): it finds a running
 * service (PORT, then 58080–58085, `GET /health` with a 1 s timeout, any 2xx), else starts the
 * binary (PORT=<port>, working directory = the binary's folder, its own process group, no output)
 * and polls `/health` every 500 ms for up to 15 s, then reads `/ports`. Every `/jobs` request is a
 * JSON POST with all five keys (unused ones null), no secret and no timeout. Its status monitor
 * runs at once and then every interval: for each job listed as running it asks `status`, and if
 * the job still runs while none of the job's 3 newest Goose sessions was updated within the
 * staleness limit (5 minutes), it sends `mark_completed`.
 *
 * Goose's sessions are the stand-in's session records (STANDIN_SESSIONS_DIR). Intervals are
 * parameters so a test does not wait 5 minutes; everything else is the real client's behaviour.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DEFAULT_HTTP_PORTS = [58080, 58081, 58082, 58083, 58084, 58085];

export interface JobStatus {
  id: string;
  cron: string;
  recipe_path: string;
  last_run?: string;
  next_run?: string;
  currently_running: boolean;
  paused: boolean;
  created_at: string;
  execution_mode?: string;
  last_manual_run?: string;
}

export interface JobsResponse {
  success: boolean;
  message: string;
  jobs?: JobStatus[];
  data?: Record<string, unknown>;
}

export interface GooseClientOptions {
  /** The `temporal-service` script (started with this Node when no service answers). */
  readonly binary: string;
  /** Goose's environment: PORT is read from it, and the binary inherits it. */
  readonly env: NodeJS.ProcessEnv;
  /** Where Goose's sessions are (the stand-in writes them). */
  readonly sessionsDir: string;
  /** 58080–58085 in Goose; a test may narrow it. */
  readonly defaultPorts?: readonly number[];
  readonly monitorEveryMs?: number;
  readonly staleAfterMs?: number;
}

export interface MarkCompleted {
  readonly jobId: string;
  readonly at: number;
  readonly tookMs: number;
  readonly answer: JobsResponse;
}

export class GooseClient {
  /** The service this client started, if it started one, and its exit. */
  started: ChildProcess | null = null;
  exited: Promise<number | null> = Promise.resolve(null);
  port = 0;
  ports: { http_port: number; temporal_port: number; ui_port: number } | null = null;
  readonly marks: MarkCompleted[] = [];
  private monitor: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  private constructor(private readonly opts: GooseClientOptions) {}

  /** Finds a running service, or starts the binary, as Goose does when its scheduler starts. */
  static async connect(opts: GooseClientOptions): Promise<GooseClient> {
    const client = new GooseClient(opts);
    await client.discoverOrStart();
    client.ports = (await client.get('/ports')) as GooseClient['ports'];
    return client;
  }

  private async discoverOrStart(): Promise<void> {
    const envPort = Number(this.opts.env.PORT);
    const candidates = this.opts.defaultPorts ?? DEFAULT_HTTP_PORTS;
    if (Number.isInteger(envPort) && envPort > 0) {
      if (await healthy(envPort, 1_000)) return void (this.port = envPort);
      if (await portFree(envPort)) return this.start(envPort);
    }
    for (const port of candidates) if (await healthy(port, 1_000)) return void (this.port = port);
    for (const port of candidates) if (await portFree(port)) return this.start(port);
    for (let port = 58086; port < 58200; port++) if (await portFree(port)) return this.start(port);
    throw new Error('no free port for the Temporal service');
  }

  private async start(port: number): Promise<void> {
    this.port = port;
    // Goose: PORT in the environment, the binary's folder as working directory, no output, own group.
    this.started = spawn(process.execPath, [this.opts.binary], {
      cwd: dirname(this.opts.binary),
      env: { ...this.opts.env, PORT: String(port) },
      stdio: 'ignore',
      detached: true,
    });
    const child = this.started;
    this.exited = new Promise((ok) => child.once('exit', (code) => ok(code)));
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (await healthy(port, null)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the Temporal service did not answer /health on ${port} within 15 s`);
  }

  /** One `/jobs` action: all five keys, unused ones null, as the Rust struct serialises. */
  async action(
    action: string,
    fields: { job_id?: string; cron?: string; recipe_path?: string; execution_mode?: string } = {},
  ): Promise<JobsResponse> {
    const body = {
      action,
      job_id: fields.job_id ?? null,
      cron: fields.cron ?? null,
      recipe_path: fields.recipe_path ?? null,
      execution_mode: fields.execution_mode ?? null,
    };
    const answer = await post(this.port, '/jobs', body);
    if (answer.status < 200 || answer.status >= 300)
      throw new Error(`HTTP request failed with status: ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as JobsResponse;
  }

  private async get(path: string): Promise<unknown> {
    const answer = await send(this.port, 'GET', path, null);
    if (answer.status !== 200)
      throw new Error(`Failed to fetch port config: HTTP ${answer.status}`);
    return JSON.parse(answer.text);
  }

  /** Goose's status monitor: a check at once, then one every `monitorEveryMs` (60 s). */
  startMonitor(): void {
    const every = this.opts.monitorEveryMs ?? 60_000;
    const tick = () => {
      this.checking ??= this.checkStale()
        .catch(() => undefined)
        .finally(() => (this.checking = null));
    };
    tick();
    this.monitor = setInterval(tick, every);
  }

  async stopMonitor(): Promise<void> {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
    await this.checking;
  }

  private async checkStale(): Promise<void> {
    const staleAfter = this.opts.staleAfterMs ?? 300_000;
    const listed = await this.action('list');
    for (const job of listed.jobs ?? []) {
      if (!job.currently_running) continue;
      const status = await this.action('status', { job_id: job.id }).catch(() => null);
      const fresh = status?.success ? status.jobs?.find((j) => j.id === job.id) : undefined;
      if (fresh && !fresh.currently_running) continue;
      const active = this.sessionsOf(job.id, 3).some((s) => Date.now() - s.updatedAt < staleAfter);
      if (active) continue;
      const at = Date.now();
      const answer = await this.action('mark_completed', { job_id: job.id });
      this.marks.push({ jobId: job.id, at, tookMs: Date.now() - at, answer });
    }
  }

  /** The job's newest Goose sessions (by id, descending), as the client reads its session store. */
  sessionsOf(jobId: string, limit: number): { id: string; updatedAt: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.opts.sessionsDir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const sessions: { id: string; updatedAt: number }[] = [];
    for (const name of names) {
      try {
        const s = JSON.parse(readFileSync(join(this.opts.sessionsDir, name), 'utf8')) as {
          id: string;
          schedule_id: string | null;
          updated_at: string;
        };
        if (s.schedule_id === jobId)
          sessions.push({ id: s.id, updatedAt: Date.parse(s.updated_at) });
      } catch {
        // Being rewritten: the next pass reads it.
      }
    }
    return sessions.sort((a, b) => b.id.localeCompare(a.id)).slice(0, limit);
  }

  /** Stops the monitor. Like Goose, it leaves the service running (`stopService` stops it). */
  async close(): Promise<void> {
    await this.stopMonitor();
  }

  /** The service this client started: SIGTERM, and its exit. */
  async stopService(): Promise<number | null> {
    const child = this.started;
    if (!child) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return this.exited;
  }
}

async function healthy(port: number, timeoutMs: number | null): Promise<boolean> {
  try {
    const answer = await send(port, 'GET', '/health', null, timeoutMs);
    return answer.status >= 200 && answer.status < 300;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function post(port: number, path: string, body: unknown) {
  return send(port, 'POST', path, JSON.stringify(body));
}

/** reqwest as Goose builds it: JSON, gzip accepted and decoded, no timeout unless given. */
function send(
  port: number,
  method: string,
  path: string,
  body: string | null,
  timeoutMs: number | null = null,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: {
          accept: '*/*',
          'accept-encoding': 'gzip, br, zstd, deflate',
          ...(body === null
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = (
            res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
          ).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text });
        });
        res.on('error', reject);
      },
    );
    if (timeoutMs !== null) req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
