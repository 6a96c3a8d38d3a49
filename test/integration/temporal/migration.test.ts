/** `export` on one engine, `import` on the other: every schedule is recreated, field for field. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, json, sandbox, startCli, waitFor, type Sandbox } from '../../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../../support/temporal.js';

const bin = temporalBin();
let server: TestTemporal;
let box: Sandbox;

describe.skipIf(!bin)(
  `migration between engines${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
  () => {
    beforeAll(async () => {
      server = await startTestTemporal(bin!);
    }, 90_000);
    afterAll(async () => server?.stop());
    beforeEach(() => {
      box = sandbox();
    });
    afterEach(() => box.cleanup());

    it('embedded → temporal → embedded keeps every schedule as it was', async () => {
      const embedded = { ...box.env, GOOSE_FLOW_HOME: join(box.root, 'embedded') };
      const back = { ...box.env, GOOSE_FLOW_HOME: join(box.root, 'back') };
      const temporal = {
        ...box.env,
        GOOSE_FLOW_HOME: join(box.root, 'client'),
        GOOSE_FLOW_ENGINE: 'temporal',
        GOOSE_FLOW_TEMPORAL_ADDRESS: server.address,
      };
      const recipe = box.recipe(
        'report.yaml',
        {},
        'instructions: work on {{ repo }}\nparameters:\n  - key: repo\n    input_type: string\n    requirement: required\n    description: which repo\n',
      );
      const add = async (...args: string[]) => {
        const r = await cli(['schedule', 'add', ...args, '--recipe', recipe], embedded);
        expect(r.code, r.stderr).toBe(0);
        return r;
      };
      expect(
        (
          await add(
            'nightly',
            '--cron',
            '0 30 2 * * *',
            '--tz',
            'Europe/Berlin',
            '-p',
            'repo=goose',
            '--overlap',
            'buffer_one',
            '--timeout',
            '45m',
            '--retries',
            '1',
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await add(
            'hourly',
            '--cron',
            '@hourly',
            '--tz',
            'UTC',
            '-p',
            'repo=flow',
            '--paused',
            '--note',
            'holiday',
            '--remaining',
            '5',
            '--jitter',
            '30s',
          )
        ).code,
      ).toBe(0);
      const first = join(box.root, 'first.yaml');
      expect((await cli(['export', '-o', first], embedded)).code).toBe(0);

      const imported = await cli(['import', first], temporal);
      expect(imported.code, imported.stderr).toBe(0);
      const second = join(box.root, 'second.yaml');
      expect((await cli(['export', '-o', second], temporal)).code).toBe(0);
      expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));

      const returned = await cli(['import', second], back);
      expect(returned.code, returned.stderr).toBe(0);
      const third = join(box.root, 'third.yaml');
      expect((await cli(['export', '-o', third], back)).code).toBe(0);
      expect(readFileSync(third, 'utf8')).toBe(readFileSync(first, 'utf8'));

      // An import that cannot be completed creates nothing on Temporal either (all or none).
      const again = await cli(['import', first], temporal);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists/);
      for (const id of ['nightly', 'hourly']) await cli(['schedule', 'remove', id], temporal);
    });

    it('a data dir keeps its engine: the other is refused, not shown empty; `engine move` carries the schedules over and back', async () => {
      const env = { ...box.env, GOOSE_FLOW_TEMPORAL_BIN: bin! };
      const recipe = box.recipe('move.yaml');
      const add = (id: string, ...more: string[]) =>
        cli(
          [
            'schedule',
            'add',
            id,
            '--cron',
            '0 0 9 * * *',
            '--tz',
            'UTC',
            '--recipe',
            recipe,
            ...more,
          ],
          env,
        );
      expect((await add('alpha')).code).toBe(0);
      expect((await add('beta', '--paused', '--note', 'on hold', '--remaining', '3')).code).toBe(0);
      expect((await cli(['run', recipe], env)).code).toBe(0);

      // Asking for the other engine used to show an empty list (and stop the schedules firing).
      for (const args of [
        ['--engine', 'temporal', 'schedule', 'list'],
        ['--engine', 'temporal', 'serve'],
      ]) {
        const refused = await cli(args, env);
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stderr).toMatch(
          /holds 2 schedule\(s\) and 1 run\(s\) of the embedded engine/,
        );
        expect(refused.stderr).toContain('goose-flow engine move temporal');
      }

      const moved = await cli(['engine', 'move', 'temporal'], env, { timeoutMs: 120_000 });
      expect(moved.code, moved.stderr).toBe(0);
      expect(moved.stdout).toContain('moved 2 schedule(s) from embedded to temporal: alpha, beta');
      expect(moved.stdout).toMatch(/not carried: 1 run\(s\) of history/);
      expect(readFileSync(join(box.dataDir, 'config.yaml'), 'utf8')).toMatch(/^engine: temporal$/m);
      // Every command now uses Temporal without being told; the embedded engine is refused.
      const shown = await cli(['engine', '--json'], env);
      expect(JSON.parse(shown.stdout)).toMatchObject({ engine: 'temporal' });
      const wrong = await cli(['--engine', 'embedded', 'runs'], env);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/belongs to the temporal engine .* engine move embedded/);
      // Without a serve, there is no dev server: said, with what to do.
      const noServer = await cli(['schedule', 'list'], env);
      expect(noServer.code).toBe(1);
      expect(noServer.stderr).toMatch(/uses the Temporal engine.*start `goose-flow serve`/);

      const serve = startCli(['serve', '--log-format', 'json'], env);
      try {
        await waitFor(
          () => serve.out.stdout.includes('serve_started') || serve.exitCode !== null,
          90_000,
          'serve on the Temporal engine',
        );
        expect(serve.out.stdout, serve.out.stderr).toContain('"engine":"temporal"');
        const listed = json<
          { id: string; paused: boolean; note: string | null; remainingActions: number | null }[]
        >((await cli(['schedule', 'list', '--json'], env)).stdout);
        expect(listed.map((s) => s.id)).toEqual(['alpha', 'beta']);
        expect(listed[1]).toMatchObject({
          paused: true,
          note: 'on hold',
          remainingActions: 3,
        });
        // A move while serve runs would leave its worker and server behind: refused.
        const busy = await cli(['engine', 'move', 'embedded'], env);
        expect(busy.code).toBe(1);
        expect(busy.stderr).toMatch(/serve \(pid \d+\) runs on .*stop it, then move/);
      } finally {
        serve.kill('SIGTERM');
        await serve.closed;
      }

      const back = await cli(['engine', 'move', 'embedded'], env, { timeoutMs: 120_000 });
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toContain('moved 2 schedule(s) from temporal to embedded: alpha, beta');
      const runs = json<unknown[]>((await cli(['runs', '--json'], env)).stdout);
      expect(runs).toHaveLength(1);
      const after = json<{ id: string; paused: boolean }[]>(
        (await cli(['schedule', 'list', '--json'], env)).stdout,
      );
      expect(after.map((s) => [s.id, s.paused])).toEqual([
        ['alpha', false],
        ['beta', true],
      ]);
    }, 240_000);
  },
);
