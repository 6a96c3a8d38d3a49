/**
 * goose-flow as Goose's `temporal-service`: the exact request sequence of Goose's Rust
 * `TemporalScheduler` client, against the `temporal-service` executable, on both engines.
 */
import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  finished,
  postEarly,
  repoRoot,
  startScript,
  waitFor,
  type CliProcess,
} from '../support/harness.js';
import { forEachEngineOverHttp } from '../support/http-engines.js';

const SECRET = 's3cret-' + randomBytes(4).toString('hex');

interface JobsBody {
  success: boolean;
  message: string;
  jobs?: Record<string, unknown>[];
  data?: Record<string, unknown>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

function startService(env: NodeJS.ProcessEnv): CliProcess {
  return startScript(join(repoRoot, 'dist/cli/temporal-service.js'), [], env);
}

forEachEngineOverHttp('temporal-service drop-in', (c) => {
  const envFor = (port: number): NodeJS.ProcessEnv => ({
    ...c().env,
    PORT: String(port),
    TEMPORAL_SECRET_KEY: SECRET,
  });

  /** As the Rust client does: start the binary, poll /health every 500 ms for up to 15 s. */
  async function start(env: NodeJS.ProcessEnv): Promise<CliProcess> {
    const service = startService(env);
    c().track(service);
    const base = `http://127.0.0.1:${env.PORT}`;
    await waitFor(
      async () => {
        if (service.exitCode !== null) throw new Error(`exited: ${service.out.stderr}`);
        const r = await fetch(`${base}/health`).catch(() => null);
        if (!r?.ok) await new Promise((ok) => setTimeout(ok, 500));
        return r?.ok ?? false;
      },
      15_000,
      'GET /health to answer',
    );
    return service;
  }

  function jobs(port: number, body: Record<string, unknown>, key: string | null = SECRET) {
    return fetch(`http://127.0.0.1:${port}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-secret-key': key } : {}) },
      body: JSON.stringify(body),
    });
  }
  /** The client always sends all five keys, unused ones as null. */
  async function action(port: number, act: string, fields: Record<string, string | null> = {}) {
    const r = await jobs(port, {
      action: act,
      job_id: null,
      cron: null,
      recipe_path: null,
      execution_mode: null,
      ...fields,
    });
    expect(r.status).toBe(200);
    return (await r.json()) as JobsBody;
  }

  it('answers the Rust client through the whole schedule lifecycle, and keeps state across a restart', async () => {
    const port = await freePort();
    const env = envFor(port);
    const service = await start(env);
    const ports = (await (await fetch(`http://127.0.0.1:${port}/ports`)).json()) as Record<
      string,
      number
    >;
    expect(ports.http_port).toBe(port);
    expect(typeof ports.temporal_port).toBe('number');

    // The secret is required on /jobs.
    const denied = await jobs(port, { action: 'list' }, null);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ success: false });
    expect((await jobs(port, { action: 'list' }, 'wrong')).status).toBe(401);

    const recipe = c().box.recipe('daily.yaml', { sleep: 20 });
    const created = await action(port, 'create', {
      job_id: 'daily',
      cron: '0 0 12 * * * *',
      recipe_path: recipe,
    });
    expect(created, created.message).toMatchObject({ success: true });
    expect(created.jobs).toBeUndefined();
    expect(created.data).toBeUndefined();

    const listed = await action(port, 'list');
    expect(listed.success).toBe(true);
    expect(listed.jobs).toHaveLength(1);
    const job = listed.jobs![0]!;
    expect(job).toMatchObject({
      id: 'daily',
      cron: '0 0 12 * * * *',
      recipe_path: recipe,
      currently_running: false,
      paused: false,
      execution_mode: 'background',
    });
    expect(Date.parse(String(job.created_at))).not.toBeNaN();
    expect(new Date(String(job.next_run)).getUTCSeconds()).toBe(0);
    expect(job.last_run).toBeUndefined();

    const started = await action(port, 'run_now', { job_id: 'daily' });
    expect(started.success, started.message).toBe(true);
    const runId = String(started.data!.session_id);
    expect(runId).toBeTruthy();

    const running = await waitFor(
      async () => {
        const s = await action(port, 'status', { job_id: 'daily' });
        return s.jobs![0]!.currently_running === true && s;
      },
      20_000,
      'the job to be running',
    );
    expect(running.jobs![0]!.last_run).toBeTruthy();
    // run_now is a manual run on both engines (on Temporal, marked so after the schedule starts it).
    await waitFor(
      async () =>
        (await action(port, 'status', { job_id: 'daily' })).jobs![0]!.last_manual_run !== undefined,
      20_000,
      'last_manual_run after run_now',
    );

    const inspected = await waitFor(
      async () => {
        const i = await action(port, 'inspect_job', { job_id: 'daily' });
        return i.success && i.data?.process_id ? i : false;
      },
      20_000,
      'inspect_job to see the process',
    );
    expect(inspected.data).toMatchObject({ job_id: 'daily', session_id: runId });
    expect(typeof inspected.data!.process_id).toBe('number');
    expect(typeof inspected.data!.running_duration_seconds).toBe('number');

    const killed = await action(port, 'kill_job', { job_id: 'daily' });
    expect(killed.success, killed.message).toBe(true);
    const after = await action(port, 'status', { job_id: 'daily' });
    expect(after.jobs![0]!.currently_running).toBe(false);
    expect((await action(port, 'kill_job', { job_id: 'daily' })).success).toBe(false);
    expect((await action(port, 'inspect_job', { job_id: 'daily' })).success).toBe(false);

    expect((await action(port, 'pause', { job_id: 'daily' })).success).toBe(true);
    expect((await action(port, 'status', { job_id: 'daily' })).jobs![0]!.paused).toBe(true);
    expect((await action(port, 'unpause', { job_id: 'daily' })).success).toBe(true);
    expect((await action(port, 'status', { job_id: 'daily' })).jobs![0]!.paused).toBe(false);

    const updated = await action(port, 'update', { job_id: 'daily', cron: '0 30 6 * * * *' });
    expect(updated.success, updated.message).toBe(true);
    expect((await action(port, 'status', { job_id: 'daily' })).jobs![0]!.cron).toBe(
      '0 30 6 * * * *',
    );
    expect((await action(port, 'mark_completed', { job_id: 'daily' })).success).toBe(true);

    // State survives a restart (the Go service lost it).
    service.kill('SIGTERM');
    expect((await finished(service)).code).toBe(0);
    // The secret was sent with every request (and a wrong one twice): it is in no log line.
    expect(service.out.stdout + service.out.stderr).not.toContain(SECRET);
    await start(env);
    const again = await action(port, 'list');
    expect(again.jobs!.map((j) => [j.id, j.cron])).toEqual([['daily', '0 30 6 * * * *']]);

    expect((await action(port, 'delete', { job_id: 'daily' })).success).toBe(true);
    const gone = await action(port, 'status', { job_id: 'daily' });
    expect(gone.success).toBe(false);
    expect(gone.message).toMatch(/not found: daily/);
  });

  it('bad requests: 405, 400, unknown actions and missing fields, never a 5xx', async () => {
    const port = await freePort();
    await start(envFor(port));
    const base = `http://127.0.0.1:${port}`;
    const get = await fetch(`${base}/jobs`, { headers: { 'x-secret-key': SECRET } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ success: false });
    const notJson = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'x-secret-key': SECRET, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ success: false });
    const unknown = await action(port, 'explode');
    expect(unknown).toMatchObject({ success: false });
    expect(unknown.message).toMatch(/unknown action 'explode'/);
    const missing = await action(port, 'create', { job_id: 'x' });
    expect(missing.success).toBe(false);
    expect(missing.message).toMatch(/'cron', 'recipe_path'/);
    const badCron = await action(port, 'create', {
      job_id: 'bad',
      cron: '0 61 * * * * *',
      recipe_path: c().box.recipe('b.yaml'),
    });
    expect(badCron.success).toBe(false);
    expect(badCron.message).toMatch(/minute/);
    const noRecipe = await action(port, 'create', {
      job_id: 'nofile',
      cron: '0 0 12 * * * *',
      recipe_path: join(c().box.root, 'missing.yaml'),
    });
    expect(noRecipe.success).toBe(false);
    expect((await action(port, 'list')).jobs).toEqual([]);
    // A malformed `list` is answered on its own: it neither poisons nor reuses the cached listing.
    const malformed = await (await jobs(port, { action: 'list', job_id: 123 })).json();
    expect(malformed).toMatchObject({ success: false });
    expect((malformed as JobsBody).message).toMatch(/field 'job_id'/);
    expect(await action(port, 'list')).toMatchObject({ success: true, jobs: [] });
    // A trailing slash is the same endpoint; the key is checked before the body is read.
    const slash = await fetch(`${base}/jobs/`, {
      method: 'POST',
      headers: { 'x-secret-key': SECRET, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'list' }),
    });
    expect(await slash.json()).toMatchObject({ success: true, jobs: [] });
    const keyFirst = await postEarly(
      `${base}/jobs`,
      JSON.stringify({ action: 'list', pad: 'x'.repeat(2 * 1024 * 1024) }),
      {},
    );
    expect(keyFirst.status).toBe(401);
    // The server answers 413 before reading the body, and may close the connection under it.
    const huge = await postEarly(
      `http://127.0.0.1:${port}/jobs`,
      JSON.stringify({ action: 'list', pad: 'x'.repeat(2 * 1024 * 1024) }),
      { 'x-secret-key': SECRET },
    );
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ success: false });
    // A client that sends its whole body before it reads (Python's http.client does) gets the
    // 413 too, not a broken pipe: written in pieces, each awaited, then the answer read.
    const whole = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = Buffer.from(
        JSON.stringify({ action: 'list', pad: 'x'.repeat(2 * 1024 * 1024) }),
      );
      const sock = connect(port, '127.0.0.1');
      let answer = '';
      sock.on('data', (d: Buffer) => (answer += d.toString()));
      sock.on('error', reject);
      sock.on('end', () => {
        const [head = '', body = ''] = answer.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), body });
      });
      sock.once('connect', async () => {
        const write = (chunk: Buffer | string) =>
          new Promise<void>((ok, ko) => sock.write(chunk, (err) => (err ? ko(err) : ok())));
        try {
          await write(
            `POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${payload.length}\r\nX-Secret-Key: ${SECRET}\r\nConnection: close\r\n\r\n`,
          );
          for (let at = 0; at < payload.length; at += 16 * 1024) {
            await write(payload.subarray(at, at + 16 * 1024));
            await new Promise((r) => setImmediate(r));
          }
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    expect(whole.status).toBe(413);
    expect(JSON.parse(whole.body)).toMatchObject({ success: false });
  });

  it("takes free-text job names, and sends a listing gzip-encoded to clients that accept it (Goose's reqwest does)", async () => {
    const port = await freePort();
    await start(envFor(port));
    const recipe = c().box.recipe('many.yaml');
    // Goose names jobs in a free-text field.
    const ids = Array.from({ length: 6 }, (_, i) => `Daily report ${i} (ü)`);
    for (const id of ids) {
      const made = await action(port, 'create', {
        job_id: id,
        cron: '0 0 12 * * * *',
        recipe_path: recipe,
      });
      expect(made.success, made.message).toBe(true);
    }
    const list = JSON.stringify({
      action: 'list',
      job_id: null,
      cron: null,
      recipe_path: null,
      execution_mode: null,
    });
    // node:http, not fetch: fetch would decode the body (and ask for gzip) by itself.
    const raw = (headers: Record<string, string>) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/jobs',
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-secret-key': SECRET, ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        );
        req.on('error', reject);
        req.end(list);
      });
    const plain = await raw({});
    expect(plain.headers['content-encoding']).toBeUndefined();
    const listed = JSON.parse(plain.body.toString()) as JobsBody;
    expect(listed.jobs).toHaveLength(6);
    const zipped = await raw({ 'accept-encoding': 'gzip, br, zstd, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(listed);
    const refused = await raw({ 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(listed.jobs!.map((j) => j.id).sort()).toEqual([...ids].sort());
    // A free-text id runs like any other.
    const started = await action(port, 'run_now', { job_id: ids[0]! });
    expect(started.success, started.message).toBe(true);
    const done = await waitFor(
      async () => {
        const s = (await action(port, 'status', { job_id: ids[0]! })).jobs![0]!;
        return s.currently_running === false && s.last_run !== undefined && s;
      },
      30_000,
      'the run of a free-text job to end',
    );
    expect(done.id).toBe(ids[0]);
    expect((await action(port, 'delete', { job_id: ids[0]! })).success).toBe(true);
  });

  it('probes upward from PORT when it is taken, and reports the port it got', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((ok) => blocker.listen(port, '127.0.0.1', ok));
    try {
      const service = startService(envFor(port));
      c().track(service);
      const line = await waitFor(
        () => service.out.stdout.split('\n').find((l) => l.includes('http_listening')),
        30_000,
        'http_listening',
      );
      const got = (JSON.parse(line) as { port: number }).port;
      expect(got).toBeGreaterThan(port);
      expect(got).toBeLessThanOrEqual(port + 100);
      const ports = (await (await fetch(`http://127.0.0.1:${got}/ports`)).json()) as {
        http_port: number;
      };
      expect(ports.http_port).toBe(got);
    } finally {
      blocker.close();
    }
  });
});
