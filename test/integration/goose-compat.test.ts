/**
 * goose-flow as Goose's `temporal-service`, driven by a client that behaves like Goose's own Rust
 * scheduler client (test/support/goose-client.ts): discovery or start, all five keys with nulls,
 * no secret, no timeout, and its status monitor with `mark_completed` — on both engines.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  cli,
  json,
  postEarly,
  repoRoot,
  startScript,
  waitFor,
  type CliProcess,
} from '../support/harness.js';
import { forEachEngineOverHttp, listeningPort } from '../support/http-engines.js';
import { GooseClient, type JobsResponse as JobsBody } from '../support/goose-client.js';

const SERVICE = join(repoRoot, 'dist/cli/temporal-service.js');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Go's time.Duration text: 750ms, 2.5s, 1m2.5s, 1h0m0s. */
const GO_DURATION = /^(?:\d+ms|(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?s)$/;

forEachEngineOverHttp('temporal-service drop-in, driven like Goose', (c) => {
  /** Goose's environment for a test: a port of its own, and where its sessions are. */
  function gooseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const sessions = join(c().box.root, 'sessions');
    mkdirSync(sessions, { recursive: true });
    return { ...c().env, STANDIN_SESSIONS_DIR: sessions, ...extra };
  }

  /** Goose starting its scheduler: discover a running service, or start the binary. */
  async function goose(env: NodeJS.ProcessEnv, monitor?: { everyMs: number; staleMs: number }) {
    const client = await GooseClient.connect({
      binary: SERVICE,
      env,
      sessionsDir: env.STANDIN_SESSIONS_DIR!,
      ...(monitor ? { monitorEveryMs: monitor.everyMs, staleAfterMs: monitor.staleMs } : {}),
    });
    const started = client.started;
    if (started)
      c().track(
        Object.assign(started, {
          out: { stdout: '', stderr: '' },
          closed: client.exited,
        }) as CliProcess,
      );
    return client;
  }

  const runsOf = async (env: NodeJS.ProcessEnv) =>
    json<{ id: string; status: string; scheduleId: string | null }[]>(
      (await cli(['runs', '--json', '--limit', '100'], env)).stdout,
    );

  it('the whole schedule lifecycle as Goose drives it, state kept across a restart', async () => {
    const env = gooseEnv({
      PORT: String(await freePort()),
      // On a cluster /ports reports the UI port that is configured (a dev server reports its own).
      ...(c().engine === 'temporal' ? { GOOSE_FLOW_TEMPORAL_UI_PORT: '18233' } : {}),
    });
    const client = await goose(env);
    expect(client.started, 'nothing answered, so the client started the binary').not.toBeNull();
    expect(client.ports).toEqual({
      http_port: client.port,
      temporal_port: c().engine === 'temporal' ? expect.any(Number) : 0,
      ui_port: c().engine === 'temporal' ? 18233 : 0,
    });

    const recipe = c().box.recipe('daily.yaml', { sleep: 20 });
    const original = readFileSync(recipe, 'utf8');
    const created = await client.action('create', {
      job_id: 'daily',
      cron: '0 0 12 * * * *',
      recipe_path: recipe,
    });
    expect(created, created.message).toMatchObject({ success: true });
    expect(created.jobs).toBeUndefined();
    expect(created.data).toBeUndefined();

    const job = (await client.action('list')).jobs![0]!;
    expect(job).toMatchObject({
      id: 'daily',
      cron: '0 0 12 * * * *',
      currently_running: false,
      paused: false,
      execution_mode: 'background',
    });
    // recipe_path is the managed copy that runs: it exists, and moving or editing the user's file
    // changes neither it nor what Goose shows.
    expect(job.recipe_path).not.toBe(recipe);
    expect(job.recipe_path.startsWith(join(c().box.dataDir, 'recipes'))).toBe(true);
    expect(readFileSync(job.recipe_path, 'utf8')).toBe(original);
    renameSync(recipe, `${recipe}.moved`);
    writeFileSync(recipe, 'not: a recipe any more\n');
    const again = (await client.action('list')).jobs![0]!;
    expect(again.recipe_path).toBe(job.recipe_path);
    expect(existsSync(again.recipe_path)).toBe(true);
    expect(Date.parse(String(job.created_at))).not.toBeNaN();
    expect(new Date(String(job.next_run)).getUTCSeconds()).toBe(0);
    expect(job.last_run).toBeUndefined();

    const started = await client.action('run_now', { job_id: 'daily' });
    expect(started.success, started.message).toBe(true);
    const runId = String(started.data!.session_id);
    expect(runId).toBeTruthy();
    await waitFor(
      async () =>
        (await client.action('status', { job_id: 'daily' })).jobs![0]!.last_manual_run !==
        undefined,
      20_000,
      'last_manual_run after run_now',
    );
    const inspected = await waitFor(
      async () => {
        const i = await client.action('inspect_job', { job_id: 'daily' });
        return i.success && i.data?.process_id ? i : false;
      },
      30_000,
      'inspect_job to see the goose process',
    );
    expect(inspected.data).toMatchObject({ job_id: 'daily', session_id: runId });
    expect(typeof inspected.data!.process_id).toBe('number');
    expect(String(inspected.data!.running_duration)).toMatch(GO_DURATION);
    expect(typeof inspected.data!.running_duration_seconds).toBe('number');

    const killed = await client.action('kill_job', { job_id: 'daily' });
    expect(killed.success, killed.message).toBe(true);
    expect((await client.action('status', { job_id: 'daily' })).jobs![0]!.currently_running).toBe(
      false,
    );
    expect((await client.action('kill_job', { job_id: 'daily' })).success).toBe(false);
    expect((await client.action('inspect_job', { job_id: 'daily' })).success).toBe(false);

    expect((await client.action('pause', { job_id: 'daily' })).success).toBe(true);
    expect((await client.action('status', { job_id: 'daily' })).jobs![0]!.paused).toBe(true);
    expect((await client.action('unpause', { job_id: 'daily' })).success).toBe(true);
    expect((await client.action('status', { job_id: 'daily' })).jobs![0]!.paused).toBe(false);
    const updated = await client.action('update', { job_id: 'daily', cron: '0 30 6 * * * *' });
    expect(updated.success, updated.message).toBe(true);
    expect((await client.action('status', { job_id: 'daily' })).jobs![0]!.cron).toBe(
      '0 30 6 * * * *',
    );
    expect((await client.action('mark_completed', { job_id: 'daily' })).success).toBe(true);

    // State survives a restart (the Go service lost it): Goose finds no service and starts it again.
    expect(await client.stopService()).toBe(0);
    const restarted = await goose(env);
    expect(restarted.started).not.toBeNull();
    const listed = await restarted.action('list');
    expect(listed.jobs!.map((j) => [j.id, j.cron, j.recipe_path])).toEqual([
      ['daily', '0 30 6 * * * *', job.recipe_path],
    ]);
    expect((await restarted.action('delete', { job_id: 'daily' })).success).toBe(true);
    const gone = await restarted.action('status', { job_id: 'daily' });
    expect(gone.success).toBe(false);
    expect(gone.message).toMatch(/not found: daily/);
  }, 180_000);

  it('six run_now at once all run at once: no limit unless one is set, as the Go service', async () => {
    const env = gooseEnv({ PORT: String(await freePort()) });
    const client = await goose(env);
    const recipe = c().box.recipe('six.yaml', { sleep: 10 });
    const ids = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const id of ids)
      expect(
        (await client.action('create', { job_id: id, cron: '0 0 12 * * * *', recipe_path: recipe }))
          .success,
      ).toBe(true);
    const answers = await Promise.all(ids.map((id) => client.action('run_now', { job_id: id })));
    expect(answers.every((a) => a.success)).toBe(true);
    // Every job has a goose process at the same time.
    await waitFor(
      async () => {
        const seen = await Promise.all(
          ids.map((id) => client.action('inspect_job', { job_id: id })),
        );
        return seen.every((s) => s.success && typeof s.data?.process_id === 'number');
      },
      40_000,
      'six goose processes at once',
    );
    let last: unknown = null;
    const done = await waitFor(
      async () => {
        // The Temporal server is shared by this file's tests: only this test's jobs count.
        const runs = (await runsOf(env)).filter((r) => ids.includes(r.scheduleId ?? ''));
        last = runs;
        return runs.length === 6 && runs.every((r) => r.status === 'succeeded') && runs;
      },
      60_000,
      'all six runs to succeed',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
    expect(done).toHaveLength(6);
  }, 180_000);

  it('with a limit set, runs that wait are never dropped: mark_completed keeps them, answers at once, and they run', async () => {
    const env = gooseEnv({ PORT: String(await freePort()), GOOSE_FLOW_MAX_CONCURRENT: '4' });
    // The monitor as Goose runs it, faster: every 250 ms, a job is stale after 1 s without a session.
    const client = await goose(env, { everyMs: 250, staleMs: 1_000 });
    const recipe = c().box.recipe('queued.yaml', { sleep: 6 });
    const ids = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];
    for (const id of ids)
      expect(
        (await client.action('create', { job_id: id, cron: '0 0 12 * * * *', recipe_path: recipe }))
          .success,
      ).toBe(true);
    await Promise.all(ids.map((id) => client.action('run_now', { job_id: id })));
    client.startMonitor();
    try {
      // Two of them wait for a slot with no session: Goose's monitor marks their jobs completed.
      await waitFor(() => client.marks.length >= 2, 60_000, 'the monitor to mark the waiting jobs');
      const runs = await waitFor(
        async () => {
          const all = (await runsOf(env)).filter((r) => ids.includes(r.scheduleId ?? ''));
          return all.length === 6 && all.every((r) => r.status === 'succeeded') && all;
        },
        90_000,
        'every run, the waiting ones too, to succeed',
      );
      expect(runs.map((r) => r.scheduleId).sort()).toEqual([...ids].sort());
    } finally {
      await client.stopMonitor();
    }
    for (const mark of client.marks) {
      expect(mark.answer.success, mark.answer.message).toBe(true);
      expect(mark.answer.message).toMatch(/no stale goose process|kept/);
      // No kill grace for a run that has no process (it was 10 s + 3 s).
      expect(mark.tookMs).toBeLessThan(5_000);
    }
  }, 180_000);

  it("TEMPORAL_SECRET_KEY in Goose's environment changes nothing: /jobs stays open to loopback, a key is goose-flow's own opt-in", async () => {
    const port = await freePort();
    const env = gooseEnv({ PORT: String(port), TEMPORAL_SECRET_KEY: 'from-goose-env' });
    // A service already runs (started by hand): Goose discovers it on PORT and starts nothing.
    const service = c().track(startScript(SERVICE, [], env));
    await listeningPort(service);
    const client = await goose(env);
    expect(client.started).toBeNull();
    expect(client.port).toBe(port);
    const listed = await client.action('list');
    expect(listed).toMatchObject({ success: true, jobs: [] });
    expect(service.out.stdout).toContain('TEMPORAL_SECRET_KEY is set and ignored');
    service.kill('SIGTERM');
    await service.closed;

    const keyed = c().track(
      startScript(SERVICE, [], { ...env, GOOSE_FLOW_JOBS_KEY: 'k3y-opt-in' }),
    );
    await listeningPort(keyed);
    await expect(client.action('list')).rejects.toThrow(/status: 401/);
    const withKey = await fetch(`http://127.0.0.1:${port}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-secret-key': 'k3y-opt-in' },
      body: JSON.stringify({ action: 'list' }),
    });
    expect(withKey.status).toBe(200);
    // /health and /ports never need the key (Goose calls them without one).
    expect((await fetch(`http://127.0.0.1:${port}/ports`)).status).toBe(200);
    keyed.kill('SIGTERM');
    await keyed.closed;
    expect(keyed.out.stdout + keyed.out.stderr).not.toContain('k3y-opt-in');
  });

  it('a foreground job: taken as asked on embedded; on Temporal the answer says it runs in the background', async () => {
    const client = await goose(gooseEnv({ PORT: String(await freePort()) }));
    const made = await client.action('create', {
      job_id: 'fg',
      cron: '0 0 12 * * * *',
      recipe_path: c().box.recipe('fg.yaml'),
      execution_mode: 'foreground',
    });
    expect(made.success, made.message).toBe(true);
    if (c().engine === 'temporal')
      expect(made.message).toMatch(/note: foreground mode needs the embedded engine/);
    else expect(made.message).toBe("job 'fg' created");
    expect((await client.action('status', { job_id: 'fg' })).jobs![0]!.execution_mode).toBe(
      'foreground',
    );
  });

  it("a job id that looks like an option stays a value, and goose never sees goose-flow's secrets", async () => {
    const record = join(c().box.root, 'record.jsonl');
    const env = gooseEnv({
      PORT: String(await freePort()),
      STANDIN_RECORD: record,
      GOOSE_FLOW_TOKEN: 'tok-never-in-goose',
      GOOSE_FLOW_JOBS_KEY: 'key-never-in-goose',
    });
    const service = c().track(startScript(SERVICE, [], env));
    const port = await listeningPort(service);
    const jobs = (body: Record<string, unknown>) =>
      fetch(`http://127.0.0.1:${port}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-secret-key': 'key-never-in-goose' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<JobsBody>);
    const made = await jobs({
      action: 'create',
      job_id: '--help',
      cron: '0 0 12 * * * *',
      recipe_path: c().box.recipe('dash.yaml'),
    });
    expect(made.success, made.message).toBe(true);
    expect((await jobs({ action: 'run_now', job_id: '--help' })).success).toBe(true);
    const call = await waitFor(
      () => {
        try {
          return JSON.parse(readFileSync(record, 'utf8').split('\n')[0]!) as {
            argv: string[];
            env: Record<string, string>;
          };
        } catch {
          return undefined;
        }
      },
      30_000,
      'goose to be called',
    );
    expect(call.argv).toContain('--scheduled-job-id=--help');
    expect(call.argv.some((a) => a.startsWith('--name=--help'))).toBe(true);
    expect(call.argv).not.toContain('--help');
    expect(call.env.GOOSE_JOB_ID).toBe('--help');
    expect(Object.keys(call.env)).not.toContain('GOOSE_FLOW_TOKEN');
    expect(Object.keys(call.env)).not.toContain('GOOSE_FLOW_JOBS_KEY');
  });

  it('a pipeline path is a job like a recipe: create, run_now, and every step runs', async () => {
    const env = gooseEnv({ PORT: String(await freePort()) });
    const client = await goose(env);
    const root = c().box.root;
    writeFileSync(
      join(root, 'draft.yaml'),
      '# goose-standin-output: the draft\nversion: "1.0.0"\ntitle: draft\ndescription: d\nprompt: draft it\n',
    );
    writeFileSync(
      join(root, 'polish.yaml'),
      [
        '# goose-standin-output: polished {{ text }}',
        'version: "1.0.0"',
        'title: polish',
        'description: p',
        'prompt: polish {{ text }}',
        'parameters:',
        '  - key: text',
        '    input_type: string',
        '    requirement: required',
        '    description: t',
      ].join('\n'),
    );
    const pipeline = join(root, 'notes.yaml');
    writeFileSync(
      pipeline,
      'steps:\n  - id: draft\n    recipe: draft.yaml\n  - id: polish\n    needs: [draft]\n    recipe: polish.yaml\n    params: { text: "${steps.draft.output}" }\n',
    );
    const created = await client.action('create', {
      job_id: 'notes',
      cron: '0 0 12 * * * *',
      recipe_path: pipeline,
    });
    expect(created, created.message).toMatchObject({ success: true });
    const started = await client.action('run_now', { job_id: 'notes' });
    expect(started.success, started.message).toBe(true);
    const runId = String(started.data!.session_id);
    const run = await waitFor(
      async () => {
        const d = json<{ status: string; pipeline: { steps: { status: string }[] } | null }>(
          (await cli(['runs', 'show', runId, '--json'], env)).stdout,
        );
        return d.status === 'succeeded' && d;
      },
      60_000,
      'the pipeline job to succeed',
    );
    expect(run.pipeline?.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    const polish = json<{ output: unknown }>(
      (await cli(['runs', 'show', `${runId}:polish`, '--json'], env)).stdout,
    );
    expect(polish.output).toBe('polished the draft');
  });

  it('discovers a service on the default ports (58080–58085) when PORT is not set', async () => {
    let port = 0;
    for (const p of [58080, 58081, 58082, 58083, 58084, 58085]) {
      const s = createServer();
      const free = await new Promise<boolean>((ok) => {
        s.once('error', () => ok(false));
        s.listen(p, '127.0.0.1', () => s.close(() => ok(true)));
      });
      if (free) {
        port = p;
        break;
      }
    }
    expect(port, 'one of 58080–58085 is free').toBeGreaterThan(0);
    const env = gooseEnv();
    delete env.PORT;
    const serve = c().track(
      startScript(
        join(repoRoot, 'dist/cli/main.js'),
        ['serve', '--port', String(port), '--log-format', 'json'],
        env,
      ),
    );
    await listeningPort(serve);
    const client = await goose(env);
    expect(client.started).toBeNull();
    expect(client.port).toBe(port);
    expect((await client.action('list')).success).toBe(true);
  });

  it('bad requests: 405, 400, unknown actions and missing fields, never a 5xx', async () => {
    const port = await freePort();
    const client = await goose(gooseEnv({ PORT: String(port) }));
    const action = (act: string, fields: Record<string, string> = {}) => client.action(act, fields);
    const jobs = (p: number, body: unknown) =>
      fetch(`http://127.0.0.1:${p}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const base = `http://127.0.0.1:${port}`;
    const get = await fetch(`${base}/jobs`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ success: false });
    const notJson = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ success: false });
    const unknown = await action('explode');
    expect(unknown).toMatchObject({ success: false });
    expect(unknown.message).toMatch(/unknown action 'explode'/);
    const missing = await action('create', { job_id: 'x' });
    expect(missing.success).toBe(false);
    expect(missing.message).toMatch(/'cron', 'recipe_path'/);
    const badCron = await action('create', {
      job_id: 'bad',
      cron: '0 61 * * * * *',
      recipe_path: c().box.recipe('b.yaml'),
    });
    expect(badCron.success).toBe(false);
    expect(badCron.message).toMatch(/minute/);
    const noRecipe = await action('create', {
      job_id: 'nofile',
      cron: '0 0 12 * * * *',
      recipe_path: join(c().box.root, 'missing.yaml'),
    });
    expect(noRecipe.success).toBe(false);
    expect((await action('list')).jobs).toEqual([]);
    // A malformed `list` is answered on its own: it neither poisons nor reuses the cached listing.
    const malformed = await (await jobs(port, { action: 'list', job_id: 123 })).json();
    expect(malformed).toMatchObject({ success: false });
    expect((malformed as JobsBody).message).toMatch(/field 'job_id'/);
    expect(await action('list')).toMatchObject({ success: true, jobs: [] });
    // A trailing slash is the same endpoint; the key is checked before the body is read.
    const slash = await fetch(`${base}/jobs/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'list' }),
    });
    expect(await slash.json()).toMatchObject({ success: true, jobs: [] });
    // The server answers 413 before reading the body, and may close the connection under it.
    const huge = await postEarly(
      `http://127.0.0.1:${port}/jobs`,
      JSON.stringify({ action: 'list', pad: 'x'.repeat(2 * 1024 * 1024) }),
      {},
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
              `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
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
    const client = await goose(gooseEnv({ PORT: String(port) }));
    const action = (act: string, fields: Record<string, string> = {}) => client.action(act, fields);
    const recipe = c().box.recipe('many.yaml');
    // Goose names jobs in a free-text field.
    const ids = Array.from({ length: 6 }, (_, i) => `Daily report ${i} (ü)`);
    for (const id of ids) {
      const made = await action('create', {
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
            headers: { 'content-type': 'application/json', ...headers },
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
    const started = await action('run_now', { job_id: ids[0]! });
    expect(started.success, started.message).toBe(true);
    const done = await waitFor(
      async () => {
        const s = (await action('status', { job_id: ids[0]! })).jobs![0]!;
        return s.currently_running === false && s.last_run !== undefined && s;
      },
      30_000,
      'the run of a free-text job to end',
    );
    expect(done.id).toBe(ids[0]);
    expect((await action('delete', { job_id: ids[0]! })).success).toBe(true);
  });

  it('probes upward from PORT when it is taken, and reports the port it got', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((ok) => blocker.listen(port, '127.0.0.1', ok));
    try {
      const service = c().track(startScript(SERVICE, [], gooseEnv({ PORT: String(port) })));
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
