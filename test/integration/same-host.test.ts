/**
 * The same-host case, on both engines: the goose-flow process that supervises an attempt is
 * killed with -9 (on Temporal, the worker and its reaper), its goose runs on under its keeper, and
 * the next goose-flow process on that host takes it up. goose is never started a second time; the
 * run ends with goose's real exit status, and all its output is in the log.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cli,
  json,
  livePids,
  readPids,
  sandbox,
  waitFor,
  type CliProcess,
  type Sandbox,
} from '../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../support/temporal.js';
import { childrenOf, startSupervisor } from '../support/supervisor.js';

interface Detail {
  id: string;
  status: string;
  attempts: { number: number; status: string; exitCode: number | null }[];
  timeline: { type: string; attempt: number | null }[];
}

for (const engine of ['embedded', 'temporal'] as const) {
  const bin = engine === 'temporal' ? temporalBin() : 'unused';
  describe.skipIf(!bin)(
    `a supervisor killed while its goose runs [${engine}]${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
    () => {
      let server: TestTemporal | null = null;
      let box: Sandbox;
      let daemons: CliProcess[] = [];
      beforeAll(async () => {
        if (engine === 'temporal') server = await startTestTemporal(bin!);
      }, 90_000);
      afterAll(async () => server?.stop());
      beforeEach(() => {
        box = sandbox();
        daemons = [];
      });
      afterEach(async () => {
        for (const d of daemons)
          if (d.exitCode === null && d.signalCode === null) d.kill('SIGTERM');
        await Promise.all(daemons.map((d) => d.closed));
        box.cleanup();
      }, 60_000);

      const hostDir = () => join(box.root, 'host');
      const env = (dataDir: string): NodeJS.ProcessEnv => ({
        ...box.env,
        GOOSE_FLOW_HOME: dataDir,
        STANDIN_RECORD: join(box.root, 'calls.jsonl'),
        ...(engine === 'temporal'
          ? {
              GOOSE_FLOW_ENGINE: 'temporal',
              GOOSE_FLOW_TEMPORAL_ADDRESS: server!.address,
              GOOSE_FLOW_TEMPORAL_TASK_QUEUE: `same-host-${Date.now()}`,
            }
          : {}),
      });
      const supervisor = (e: NodeJS.ProcessEnv) =>
        startSupervisor(engine, e, (d) => daemons.push(d));

      it('the next supervisor on the host takes up the goose: never started twice, its real status kept', async () => {
        mkdirSync(hostDir(), { recursive: true });
        writeFileSync(join(hostDir(), 'config.yaml'), 'run:\n  heartbeat: 1s\n  kill_grace: 1s\n');
        const hostEnv = env(hostDir());
        // A client on Temporal (its own data dir, as on another machine); the host's CLI otherwise.
        const clientEnv = engine === 'temporal' ? env(join(box.root, 'client')) : hostEnv;
        const done = join(box.root, 'done');
        const recipe = box.recipe('long.yaml', { wait_file: done, lines: 5, exit: 3 });

        const first = await supervisor(hostEnv);
        const started = await cli(
          ['run', recipe, '--detach', '--retries', '0', '--json'],
          clientEnv,
        );
        expect(started.code, started.stderr).toBe(0);
        const id = json<{ id: string }>(started.stdout).id;
        await waitFor(() => readPids(box.pidfile).length >= 1, 30_000, 'goose to start');
        const goose = readPids(box.pidfile)[0]!;

        // The supervisor dies, and with it (Temporal) the reaper that would stop its attempts.
        const reapers = engine === 'temporal' ? childrenOf(first.pid!) : [];
        first.kill('SIGKILL');
        for (const pid of reapers) process.kill(pid, 'SIGKILL');
        await first.closed;
        expect(livePids([goose])).toEqual([goose]);

        await supervisor(hostEnv);
        const adopted = await waitFor(
          async () => {
            const d = json<Detail>((await cli(['runs', 'show', id, '--json'], clientEnv)).stdout);
            return d.timeline.some((e) => e.type === 'attempt_adopted') && d;
          },
          90_000,
          'the new supervisor to take up the running goose',
        );
        expect(adopted.status).toBe('running');
        writeFileSync(done, '');

        const run = await waitFor(
          async () => {
            const d = json<Detail>((await cli(['runs', 'show', id, '--json'], clientEnv)).stdout);
            return d.status === 'failed' && d;
          },
          60_000,
          'the run to end with goose',
        );
        expect(run.attempts.map((a) => [a.number, a.status, a.exitCode])).toEqual([
          [1, 'failed', 3],
        ]);
        const calls = readFileSync(join(box.root, 'calls.jsonl'), 'utf8').trim().split('\n');
        expect(calls).toHaveLength(1);
        const log = (await cli(['logs', id], engine === 'temporal' ? hostEnv : clientEnv)).stdout;
        expect(log).toContain('stand-in line 5 of 5');
        expect(log).toContain('failing with exit code 3');
      }, 240_000);
    },
  );
}
