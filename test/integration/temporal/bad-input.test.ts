/** What goes wrong around Temporal: each a clear message and a non-zero exit, never a hang. */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, sandbox, type Sandbox } from '../../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../../support/temporal.js';
import { startDevServer } from '../../../src/adapters/temporal/dev-server.js';
import { answers } from '../../../src/engines/temporal/connection.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = temporalBin();
let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

describe('Temporal problems without a server', () => {
  it('an unreachable address says where it tried and how to start one', async () => {
    const started = Date.now();
    const result = await cli(
      ['--engine', 'temporal', '--temporal-address', '127.0.0.1:1', 'schedule', 'list'],
      box.env,
      { timeoutMs: 30_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1/);
    expect(result.stderr).toMatch(/temporal server start-dev/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a missing temporal binary says how to install one', async () => {
    const result = await cli(['serve', '--engine', 'temporal'], {
      ...box.env,
      GOOSE_FLOW_TEMPORAL_BIN: join(box.root, 'no-temporal-here'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/GOOSE_FLOW_TEMPORAL_BIN is set to .*not an executable/);
  });

  it('an unknown engine is a usage error', async () => {
    const result = await cli(['--engine', 'cloud', 'runs'], box.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/embedded, temporal/);
  });
});

describe.skipIf(!bin)(
  `Temporal problems with a server${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
  () => {
    let server: TestTemporal;
    beforeAll(async () => {
      server = await startTestTemporal(bin!);
    }, 90_000);
    afterAll(async () => server?.stop());
    const on = (...args: string[]) => [
      '--engine',
      'temporal',
      '--temporal-address',
      server.address,
      ...args,
    ];

    it('a namespace that does not exist is named, with how to create it', async () => {
      const result = await cli(['--namespace', 'nope', ...on('schedule', 'list')], box.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/namespace 'nope' does not exist/);
      expect(result.stderr).toMatch(/temporal operator namespace create/);
    });

    it('a schedule Temporal would read differently is refused, or warned about', async () => {
      const recipe = box.recipe('r.yaml');
      const add = (id: string, ...extra: string[]) =>
        cli(on('schedule', 'add', id, '--recipe', recipe, '--tz', 'UTC', ...extra), box.env);
      const both = await add('both', '--cron', '0 9 1 * MON');
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/both day-of-month and day-of-week/);
      const last = await add('last', '--cron', '0 9 L * *');
      expect(last.code).toBe(2);
      expect(last.stderr).toMatch(/L, W, # \(or \? outside the day fields\)/);
      const latest = await add(
        'latest',
        '--cron',
        '@daily',
        '--catchup-window',
        '1h',
        '--catchup',
        'latest',
      );
      expect(latest.code).toBe(2);
      expect(latest.stderr).toMatch(/no Temporal equivalent/);
      const dst = await cli(
        on(
          'schedule',
          'add',
          'dst',
          '--recipe',
          recipe,
          '--tz',
          'Europe/Berlin',
          '--cron',
          '30 2 * * *',
        ),
        box.env,
      );
      expect(dst.code, dst.stderr).toBe(0);
      expect(dst.stderr).toMatch(/does not exist \(clocks go forward\): Temporal skips/);
      const list = await cli(on('schedule', 'list', '--json'), box.env);
      expect(JSON.parse(list.stdout).map((s: { id: string }) => s.id)).toEqual(['dst']);
      await cli(on('schedule', 'remove', 'dst'), box.env);
    });

    it('a serve whose dev-server port is taken says so and exits', async () => {
      const blocker = createServer();
      await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
      const port = (blocker.address() as { port: number }).port;
      try {
        const result = await cli(
          ['serve', '--engine', 'temporal', '--temporal-port', String(port)],
          {
            ...box.env,
            GOOSE_FLOW_TEMPORAL_BIN: bin!,
          },
          { timeoutMs: 30_000 },
        );
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already taken`));
      } finally {
        blocker.close();
      }
    });

    it('search attributes that are not registered are named, with the command that registers them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'goose-flow-bare-'));
      const bare = await startDevServer({
        bin: bin!,
        dbFile: join(dir, 't.db'),
        logFile: join(dir, 't.log'),
        namespace: 'default',
        searchAttributes: [],
        probe: answers,
        startTimeoutMs: 60_000,
      });
      try {
        const result = await cli(
          ['--engine', 'temporal', '--temporal-address', bare.address, 'runs'],
          box.env,
        );
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          /GooseFlowScheduleId, GooseFlowStatus, GooseFlowTrigger not registered/,
        );
        expect(result.stderr).toMatch(
          /temporal operator search-attribute create --namespace default --name GooseFlowScheduleId --type Keyword/,
        );
      } finally {
        await bare.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
