/**
 * A pipeline outlives its supervisor: `serve` (embedded) or the worker (Temporal) is killed with
 * -9 while a step's goose runs. The next supervisor picks the pipeline up: the running step's goose
 * is taken up (not started again), the steps that settled before the kill are not run again, and
 * the rest run once — every step's goose started exactly once, and the hand-over still arrives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
  output: unknown;
  pipeline: { steps: { id: string; status: string }[] } | null;
}

function step(root: string, name: string, lines: string[]): void {
  writeFileSync(
    join(root, name),
    [...lines, 'version: "1.0.0"', `title: ${name}`, 'description: a step'].join('\n') + '\n',
  );
}

for (const engine of ['embedded', 'temporal'] as const) {
  const bin = engine === 'temporal' ? temporalBin() : 'unused';
  describe.skipIf(!bin)(
    `a pipeline whose supervisor is killed mid-step [${engine}]${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
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

      const env = (): NodeJS.ProcessEnv => ({
        ...box.env,
        STANDIN_RECORD: join(box.root, 'calls.jsonl'),
        ...(engine === 'temporal'
          ? {
              GOOSE_FLOW_ENGINE: 'temporal',
              GOOSE_FLOW_TEMPORAL_ADDRESS: server!.address,
              GOOSE_FLOW_TEMPORAL_TASK_QUEUE: `pipeline-crash-${Date.now()}`,
            }
          : {}),
      });
      const supervisor = (e: NodeJS.ProcessEnv) =>
        startSupervisor(engine, e, (d) => daemons.push(d));

      it('the next supervisor finishes it: no settled step runs again, each goose starts once', async () => {
        const e = env();
        const done = join(box.root, 'done');
        step(box.root, 'fetch.yaml', [
          '# goose-standin-output: {"n": 41}',
          'prompt: fetch',
          'response:',
          '  json_schema: {"type": "object", "properties": {"n": {"type": "number"}}}',
        ]);
        step(box.root, 'work.yaml', [
          `# goose-standin: wait_file=${done} lines=2`,
          '# goose-standin-output: worked on {{ n }}',
          'prompt: work on {{ n }}',
          'parameters:',
          '  - key: n',
          '    input_type: number',
          '    requirement: required',
          '    description: n',
        ]);
        step(box.root, 'report.yaml', [
          '# goose-standin-output: report of {{ text }}',
          'prompt: report {{ text }}',
          'parameters:',
          '  - key: text',
          '    input_type: string',
          '    requirement: required',
          '    description: text',
        ]);
        const pipeline = join(box.root, 'crash.yaml');
        writeFileSync(
          pipeline,
          [
            'steps:',
            '  - id: fetch',
            '    recipe: fetch.yaml',
            '  - id: work',
            '    needs: [fetch]',
            '    recipe: work.yaml',
            '    params: { n: "${steps.fetch.output.n}" }',
            '  - id: report',
            '    needs: [work]',
            '    recipe: report.yaml',
            '    params: { text: "${steps.work.output}" }',
          ].join('\n'),
        );

        const first = await supervisor(e);
        const started = await cli(['run', pipeline, '--detach', '--json'], e);
        expect(started.code, started.stderr).toBe(0);
        const id = json<{ id: string }>(started.stdout).id;
        // fetch has settled and work's goose runs (it waits for the file).
        await waitFor(
          async () => {
            const d = json<Detail>((await cli(['runs', 'show', id, '--json'], e)).stdout);
            const work = d.pipeline?.steps.find((s) => s.id === 'work');
            return work?.status === 'running' && readPids(box.pidfile).length >= 2;
          },
          60_000,
          'the work step to be running',
        );
        const goose = readPids(box.pidfile).at(-1)!;
        const reapers = engine === 'temporal' ? childrenOf(first.pid!) : [];
        first.kill('SIGKILL');
        for (const pid of reapers) process.kill(pid, 'SIGKILL');
        await first.closed;
        expect(livePids([goose])).toEqual([goose]);

        await supervisor(e);
        writeFileSync(done, '');
        const run = await waitFor(
          async () => {
            const d = json<Detail>((await cli(['runs', 'show', id, '--json'], e)).stdout);
            return (d.status === 'succeeded' || d.status === 'failed') && d;
          },
          120_000,
          'the pipeline to end',
        );
        expect(run.status).toBe('succeeded');
        expect(run.pipeline?.steps.map((s) => s.status)).toEqual([
          'succeeded',
          'succeeded',
          'succeeded',
        ]);
        const report = json<Detail>(
          (await cli(['runs', 'show', `${id}:report`, '--json'], e)).stdout,
        );
        expect(report.output).toBe('report of worked on 41');
        const calls = readFileSync(join(box.root, 'calls.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) =>
            (JSON.parse(l) as { argv: string[] }).argv
              .find((a) => a.startsWith('--recipe='))!
              .split('/')
              .pop(),
          );
        expect(calls).toEqual(['fetch.yaml', 'work.yaml', 'report.yaml']);
      }, 300_000);
    },
  );
}
