/**
 * Goose's `mark_completed` in process: which runs it stops. Goose's monitor sends it for a job
 * none of whose sessions changed for 5 minutes; only a goose process at least that old can be
 * that stale.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Run } from '../../src/domain/run.js';
import { GooseJobs, GOOSE_STALE_AFTER_MS } from '../../src/http/goose-jobs.js';

function run(id: string, status: Run['status']): Run {
  return { id, status, scheduleId: 'job', trigger: 'manual', sessionId: null } as unknown as Run;
}

function fakeApp(runs: { run: Run; startedAt: number | null }[], killed: string[]): App {
  return {
    stateVersion: () => null,
    schedules: { get: async () => ({ id: 'job' }) },
    runs: {
      list: async () => runs.map((r) => r.run),
      show: async (id: string) => {
        const r = runs.find((x) => x.run.id === id)!;
        const attempts =
          r.startedAt === null
            ? []
            : [{ number: 1, startedAt: r.startedAt, endedAt: null, process: { pid: 4242 } }];
        return { run: r.run, attempts, live: null, events: [] };
      },
      kill: async (id: string) => {
        killed.push(id);
        return { run: { ...run(id, 'cancelled') }, settled: true };
      },
    },
  } as unknown as App;
}

describe('mark_completed', () => {
  it('stops a goose process older than the staleness window; keeps younger and waiting runs', async () => {
    const killed: string[] = [];
    const now = Date.now();
    const jobs = new GooseJobs(
      fakeApp(
        [
          { run: run('stale', 'running'), startedAt: now - GOOSE_STALE_AFTER_MS - 1_000 },
          { run: run('young', 'running'), startedAt: now - 10_000 },
          { run: run('waiting', 'pending'), startedAt: null },
          { run: run('between', 'retrying'), startedAt: null },
        ],
        killed,
      ),
    );
    const answer = await jobs.handle({ action: 'mark_completed', job_id: 'job' });
    expect(answer.success).toBe(true);
    expect(killed).toEqual(['stale']);
    expect(answer.message).toMatch(/1 stale run\(s\) stopped/);
    expect(answer.message).toMatch(/kept 3 run\(s\).*young.*waiting.*between|kept 3 run/);
  });

  it('inspect_job reports only a goose process that runs, with Go duration text', async () => {
    const now = Date.now();
    const jobs = new GooseJobs(fakeApp([{ run: run('waiting', 'pending'), startedAt: null }], []));
    expect((await jobs.handle({ action: 'inspect_job', job_id: 'job' })).success).toBe(false);
    const running = new GooseJobs(
      fakeApp([{ run: run('r1', 'running'), startedAt: now - 62_500 }], []),
    );
    const answer = await running.handle({ action: 'inspect_job', job_id: 'job' });
    expect(answer.data).toMatchObject({ session_id: 'r1', process_id: 4242 });
    expect(String(answer.data!.running_duration)).toMatch(/^1m2\.\d+s$|^1m\d+(\.\d+)?s$/);
    expect(answer.data!.running_duration_seconds).toBeGreaterThanOrEqual(62);
  });
});
