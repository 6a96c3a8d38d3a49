/**
 * Scale-out: two `goose-flow worker` processes (own data dirs, as on two hosts) on one task queue.
 * Runs execute on both; a worker SIGKILLed mid-run takes its attempt down with it (its reaper), the
 * attempt waits 30 s for a worker of its own host, then the run is retried on the other worker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cli,
  json,
  livePids,
  readPids,
  sandbox,
  startCli,
  waitFor,
  type CliProcess,
  type Sandbox,
} from '../../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../../support/temporal.js';

interface RunDetailJson {
  id: string;
  status: string;
  attempts: { number: number; status: string }[];
  timeline: { type: string; attempt: number | null; data: Record<string, unknown> }[];
}

const bin = temporalBin();
const identity = (w: CliProcess) => `goose-flow@${hostname()}:${w.pid}`;
let server: TestTemporal;
let box: Sandbox;
let workers: CliProcess[] = [];

describe.skipIf(!bin)(
  `two workers on one task queue${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
  () => {
    beforeAll(async () => {
      server = await startTestTemporal(bin!);
    }, 90_000);
    afterAll(async () => server?.stop());
    beforeEach(() => {
      box = sandbox();
      workers = [];
    });
    afterEach(async () => {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.closed));
      box.cleanup();
    }, 60_000);

    const env = (dataDir: string): NodeJS.ProcessEnv => ({
      ...box.env,
      GOOSE_FLOW_HOME: dataDir,
      GOOSE_FLOW_ENGINE: 'temporal',
      GOOSE_FLOW_TEMPORAL_ADDRESS: server.address,
      GOOSE_FLOW_TEMPORAL_TASK_QUEUE: 'scale-out',
    });

    async function worker(name: string): Promise<CliProcess> {
      const dataDir = join(box.root, name);
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dataDir, 'config.yaml'), 'run:\n  heartbeat: 1s\n  kill_grace: 1s\n');
      const w = startCli(['worker', '--log-format', 'json', '--max-concurrent', '2'], env(dataDir));
      workers.push(w);
      await waitFor(
        () => w.out.stdout.includes('worker_started') || w.exitCode !== null,
        30_000,
        `${name} to start`,
      );
      expect(w.out.stdout, w.out.stderr).toContain('worker_started');
      return w;
    }

    const client = () => env(join(box.root, 'client'));
    const detail = async (id: string) =>
      json<RunDetailJson>((await cli(['runs', 'show', id, '--json'], client())).stdout);
    const workerOf = (d: RunDetailJson, attempt: number) =>
      d.timeline.find((e) => e.type === 'attempt_started' && e.attempt === attempt)?.data.worker;

    it('runs execute on both workers', async () => {
      const [a, b] = [await worker('host-a'), await worker('host-b')];
      const recipe = box.recipe('two.yaml', { sleep: 2 });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await cli(['run', recipe, '--detach', '--json'], client());
        expect(r.code, r.stderr).toBe(0);
        ids.push(json<{ id: string }>(r.stdout).id);
      }
      const details = await waitFor(
        async () => {
          const all = await Promise.all(ids.map(detail));
          return all.every((d) => d.status === 'succeeded') && all;
        },
        60_000,
        'all four runs to succeed',
      );
      const used = new Set(details.map((d) => workerOf(d, 1)));
      expect(used).toEqual(new Set([identity(a), identity(b)]));
      // A worker stops cleanly on SIGTERM (its reaper with it).
      for (const w of [a, b]) w.kill('SIGTERM');
      expect(await Promise.all([a.closed, b.closed])).toEqual([0, 0]);
    });

    it('a worker killed mid-run: its attempt dies with it and the run is retried on the other worker', async () => {
      const a = await worker('host-a');
      const recipe = box.recipe('victim.yaml', { sleep: 6, children: 1, sleep_attempts: 1 });
      const started = await cli(['run', recipe, '--detach', '--json'], client());
      const id = json<{ id: string }>(started.stdout).id;
      await waitFor(
        async () => (await detail(id)).attempts.length === 1 && readPids(box.pidfile).length >= 3,
        30_000,
        'attempt 1 to run on host-a',
      );
      const b = await worker('host-b');
      const firstPids = readPids(box.pidfile);
      a.kill('SIGKILL');
      // The watchdog sees its worker gone and stops the attempt's tree: no duplicate goose.
      await waitFor(
        () => livePids(firstPids).length === 0,
        10_000,
        "the dead worker's attempt to stop",
      );
      const done = await waitFor(
        async () => {
          const d = await detail(id);
          return d.status === 'succeeded' && d;
        },
        60_000,
        'the run to be retried and succeed',
      );
      expect(done.attempts.map((x) => x.number)).toEqual([1, 2]);
      expect(done.attempts[0]!.status).toBe('lost');
      expect(workerOf(done, 1)).toBe(identity(a));
      expect(workerOf(done, 2)).toBe(identity(b));
    });
  },
);
