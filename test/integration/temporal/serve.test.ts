/**
 * `goose-flow serve --engine temporal` as a user runs it: goose-flow starts the dev server itself
 * (database in the data dir), other commands find it, SIGTERM stops both, a restart keeps state.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cli,
  finished,
  json,
  livePids,
  readPids,
  sandbox,
  startCli,
  waitFor,
  type CliProcess,
  type Sandbox,
} from '../../support/harness.js';
import { SKIP_TEMPORAL_REASON, temporalBin } from '../../support/temporal.js';

const bin = temporalBin();
let box: Sandbox;
let daemons: CliProcess[] = [];
beforeEach(() => {
  box = sandbox();
  daemons = [];
});
afterEach(async () => {
  for (const d of daemons) if (d.exitCode === null && d.signalCode === null) d.kill('SIGTERM');
  await Promise.all(daemons.map((d) => d.closed));
  box.cleanup();
}, 60_000);

async function serve(env: NodeJS.ProcessEnv, extra: string[] = []): Promise<CliProcess> {
  const daemon = startCli(['serve', '--engine', 'temporal', '--log-format', 'json', ...extra], env);
  daemons.push(daemon);
  await waitFor(
    () => daemon.out.stdout.includes('serve_started') || daemon.exitCode !== null,
    90_000,
    'serve --engine temporal to start',
  );
  expect(daemon.out.stdout, daemon.out.stderr).toContain('serve_started');
  return daemon;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

function serverPid(daemon: CliProcess): number {
  const line = daemon.out.stdout.split('\n').find((l) => l.includes('temporal_dev_server_started'));
  return json<{ serverPid: number }>(line!).serverPid;
}

describe.skipIf(!bin)(
  `serve --engine temporal${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
  () => {
    it('starts a dev server in the data dir, runs schedules on it, stops it on SIGTERM, and keeps state across a restart', async () => {
      const env = { ...box.env, GOOSE_FLOW_TEMPORAL_BIN: bin! };
      const daemon = await serve(env, ['--port', '0']);
      const pid = serverPid(daemon);
      expect(existsSync(join(box.dataDir, 'temporal.db'))).toBe(true);
      // The dev server runs its web UI; /ports tells Goose where (it prints "Temporal UI: …").
      const http = json<{ port: number }>(
        daemon.out.stdout.split('\n').find((l) => l.includes('http_listening'))!,
      ).port;
      const ports = json<{ temporal_port: number; ui_port: number }>(
        await (await fetch(`http://127.0.0.1:${http}/ports`)).text(),
      );
      expect(ports.temporal_port).toBeGreaterThan(0);
      expect(ports.ui_port).toBeGreaterThan(0);
      expect(ports.ui_port).not.toBe(ports.temporal_port);
      const ui = await fetch(`http://127.0.0.1:${ports.ui_port}/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toMatch(/<html/i);

      // Other commands on the data dir use the running dev server without being told.
      const recipe = box.recipe('tick.yaml');
      const added = await cli(
        ['schedule', 'add', 'tick', '--cron', '* * * * * *', '--tz', 'UTC', '--recipe', recipe],
        env,
      );
      expect(added.code, added.stderr).toBe(0);
      const status = json<{ engine: string; temporal: { address: string } }>(
        (await cli(['status', '--json'], env)).stdout,
      );
      expect(status.engine).toBe('temporal');
      await waitFor(
        async () => {
          const runs = json<{ status: string }[]>((await cli(['runs', '--json'], env)).stdout);
          return runs.filter((r) => r.status === 'succeeded').length >= 2;
        },
        30_000,
        'two succeeded scheduled runs',
      );
      const paused = await cli(['schedule', 'pause', 'tick', '--note', 'restart test'], env);
      expect(paused.code).toBe(0);

      daemon.kill('SIGTERM');
      const stopped = await finished(daemon);
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('temporal_dev_server_stopped');
      expect(livePids([pid])).toEqual([]);

      // Without a serve, commands say where they would need a server.
      const offline = await cli(['--engine', 'temporal', 'schedule', 'list'], env);
      expect(offline.code).toBe(1);
      expect(offline.stderr).toMatch(/--temporal-address|serve --engine temporal/);

      const again = await serve(env);
      const list = json<{ id: string; paused: boolean; note: string }[]>(
        (await cli(['schedule', 'list', '--json'], env)).stdout,
      );
      expect(list.map((s) => [s.id, s.paused, s.note])).toEqual([['tick', true, 'restart test']]);
      const runs = json<unknown[]>((await cli(['runs', '--json'], env)).stdout);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      again.kill('SIGTERM');
      expect((await finished(again)).code).toBe(0);
    });

    it('SIGTERM cancels the runs serve executes (as on the embedded engine): nothing restarts after a restart', async () => {
      const env = { ...box.env, GOOSE_FLOW_TEMPORAL_BIN: bin! };
      const daemon = await serve(env);
      const recipe = box.recipe('long.yaml', { sleep: 60, children: 1, lines: 1 });
      const handed = await cli(['run', recipe, '--detach', '--grace', '1s', '--json'], env);
      expect(handed.code, handed.stderr).toBe(0);
      const { id } = json<{ id: string }>(handed.stdout);
      await waitFor(() => readPids(box.pidfile).length >= 3, 30_000, 'the attempt tree');
      daemon.kill('SIGTERM');
      const stopped = await finished(daemon);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(livePids(readPids(box.pidfile))).toEqual([]);
      const again = await serve(env);
      const show = json<{ status: string; attempts: unknown[] }>(
        (await cli(['runs', 'show', id, '--json'], env)).stdout,
      );
      expect(show.status).toBe('cancelled');
      // Cancelled while the worker still ran (its workflow closed), not terminated after a timeout.
      expect(JSON.stringify(show)).toContain('goose-flow serve is shutting down');
      expect(JSON.stringify(show)).not.toContain('did not finish');
      await new Promise((r) => setTimeout(r, 3_000));
      // No second attempt started after the restart.
      expect(
        json<{ attempts: unknown[] }>((await cli(['runs', 'show', id, '--json'], env)).stdout)
          .attempts,
      ).toHaveLength(show.attempts.length);
      expect(livePids(readPids(box.pidfile))).toEqual([]);
      again.kill('SIGTERM');
      expect((await finished(again)).code).toBe(0);
    }, 120_000);

    it('kill -9 of serve: its reaper stops the dev server; a dev server left by a dead serve and reaper is stopped by the next serve', async () => {
      const env = { ...box.env, GOOSE_FLOW_TEMPORAL_BIN: bin! };
      const first = await serve(env);
      const pid1 = serverPid(first);
      first.kill('SIGKILL');
      await waitFor(
        () => livePids([pid1]).length === 0,
        20_000,
        'the reaper to stop the dev server',
      );

      // Now kill serve and its reapers at once: the dev server is orphaned.
      const second = await serve(env);
      const pid2 = serverPid(second);
      const reapers = childrenOf(second.pid!).filter((p) => cmdline(p).includes('reaper.js'));
      expect(reapers.length).toBeGreaterThanOrEqual(1);
      for (const p of [second.pid!, ...reapers]) process.kill(p, 'SIGKILL');
      await finished(second);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(livePids([pid2])).toEqual([pid2]);
      const third = await serve(env);
      expect(livePids([pid2])).toEqual([]);
      expect(third.out.stdout).toContain('temporal_dev_server_leftover_stopped');
      expect(serverPid(third)).not.toBe(pid2);
      third.kill('SIGTERM');
      expect((await finished(third)).code).toBe(0);
    });

    it('a second serve on the same data dir is refused, naming the first', async () => {
      const env = { ...box.env, GOOSE_FLOW_TEMPORAL_BIN: bin! };
      await serve(env);
      const second = await cli(['serve', '--engine', 'temporal'], env, { timeoutMs: 30_000 });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already runs a Temporal dev server/);
    });
  },
);
