/**
 * Schedules and runs through `/api/v1`, in process (embedded engine, no daemon: a trigger drives
 * its run here, as a CLI trigger does). Every response is checked against its zod schema and
 * against the published OpenAPI document.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { waitFor } from '../support/harness.js';
import { openInProcessApi, type InProcessApi } from '../support/in-process-api.js';

let api: InProcessApi;
beforeEach(async () => {
  api = await openInProcessApi();
});
afterEach(async () => api.close());

describe('schedules and runs', () => {
  it('through their whole life, each response as documented', async () => {
    const { call, box } = api;
    const recipe = box.recipe('api.yaml', { sleep: 1 });
    const slow = box.recipe('slow.yaml', { sleep: 30 });
    const created = await call('POST', '/schedules', 201, S.Schedule, {
      id: 'nightly',
      cron: '0 0 3 * * *',
      recipe,
      timezone: 'UTC',
      overlap: 'allow_all',
    });
    expect(created).toMatchObject({ id: 'nightly', cron: '0 0 3 * * *', overlap: 'allow_all' });
    // The same id twice is a conflict.
    await call('POST', '/schedules', 409, S.ErrorBody, { id: 'nightly', cron: '@daily', recipe });
    const list = await call('GET', '/schedules', 200, null);
    expect((list as unknown as { schedules: unknown[] }).schedules).toHaveLength(1);
    const shown = await call('GET', '/schedules/nightly', 200, S.ScheduleDetail);
    expect(shown.id).toBe('nightly');
    const next = await call('GET', '/schedules/nightly/next?count=3', 200, null);
    expect(
      (next as unknown as { next: string[] }).next.map((t) => new Date(t).getUTCHours()),
    ).toEqual([3, 3, 3]);

    const patched = await call('PATCH', '/schedules/nightly', 200, S.Schedule, {
      cron: '0 30 4 * * *',
      note: 'moved',
    });
    expect(patched.cron).toBe('0 30 4 * * *');
    const paused = await call('POST', '/schedules/nightly/pause', 200, S.Schedule, {
      note: 'hold',
    });
    expect(paused.paused).toBe(true);
    expect((await call('GET', '/status', 200, S.Status)).schedules).toEqual({
      total: 1,
      active: 0,
      paused: 1,
    });
    expect((await call('POST', '/schedules/nightly/resume', 200, S.Schedule, {})).paused).toBe(
      false,
    );

    // Three triggers: three runs, read back in pages of two.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await call('POST', '/schedules/nightly/trigger', 200, S.TriggerResult, {
        overlap: 'allow_all',
      });
      expect(t.decision).toBe('started');
      ids.push(t.run!.id);
    }
    await waitFor(
      async () => {
        const page = await call(
          'GET',
          '/runs?scheduleId=nightly&status=succeeded&limit=100',
          200,
          S.RunPage,
        );
        return page.runs.length === 3;
      },
      30_000,
      'three succeeded runs',
    );
    const first = await call('GET', '/runs?scheduleId=nightly&limit=2', 200, S.RunPage);
    expect(first.runs).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await call(
      'GET',
      `/runs?scheduleId=nightly&limit=2&cursor=${first.nextCursor}`,
      200,
      S.RunPage,
    );
    expect(second.runs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.runs, ...second.runs].map((r) => r.id).sort()).toEqual([...ids].sort());

    const detail = await call('GET', `/runs/${encodeURIComponent(ids[0]!)}`, 200, S.RunDetail);
    expect(detail.attempts[0]!.status).toBe('succeeded');
    const logs = await call(
      'GET',
      `/runs/${encodeURIComponent(ids[0]!)}/logs?offset=0&limit=40`,
      200,
      S.LogChunk,
    );
    expect(logs.data.length).toBeGreaterThan(0);
    expect(logs.nextOffset).toBe(logs.offset + Buffer.byteLength(logs.data));
    const rest = await call(
      'GET',
      `/runs/${encodeURIComponent(ids[0]!)}/logs?offset=${logs.nextOffset}`,
      200,
      S.LogChunk,
    );
    expect(rest.complete).toBe(true);
    expect(rest.data).toContain('stand-in: done');

    // Kill: a slow schedule's run is cancelled and its tree stopped.
    await call('POST', '/schedules', 201, S.Schedule, {
      id: 'slow',
      cron: '@yearly',
      recipe: slow,
      timezone: 'UTC',
    });
    const started = await call('POST', '/schedules/slow/trigger', 200, S.TriggerResult);
    const runId = encodeURIComponent(started.run!.id);
    await waitFor(
      async () => (await call('GET', `/runs/${runId}`, 200, S.RunDetail)).status === 'running',
      20_000,
      'running',
    );
    expect((await call('GET', '/status', 200, S.Status)).runs.active).toBe(1);
    // While it runs, a trigger with `skip` starts nothing: `run` is null (and documented so).
    const skipped = await call('POST', '/schedules/slow/trigger', 200, S.TriggerResult, {
      overlap: 'skip',
    });
    expect(skipped).toMatchObject({ decision: 'skipped_overlap', run: null });
    const killed = await call('POST', `/runs/${runId}/kill`, 200, S.Run);
    expect(killed.status).toBe('cancelled');
    await call('POST', `/runs/${runId}/kill`, 409, S.ErrorBody);

    const backfill = await call('POST', '/schedules/nightly/backfill', 200, S.BackfillResult, {
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T23:59:59Z',
      overlap: 'allow_all',
    });
    expect(backfill.decided.map((d) => d.scheduledAt)).toEqual([
      '2026-01-01T04:30:00.000Z',
      '2026-01-02T04:30:00.000Z',
    ]);

    const verdict = await call('POST', '/recipes/validate', 200, S.RecipeVerdict, { recipe });
    expect(verdict).toMatchObject({ valid: true, headless: { ok: true } });
    const status = await call('GET', '/status', 200, S.Status);
    expect(status.engine).toBe('embedded');
    expect(status.schedules.total).toBe(2);
    expect(status.temporal).toBeNull();

    const page1 = await call('GET', '/schedules?limit=1', 200, S.SchedulePage);
    expect([page1.schedules.map((x) => x.id), page1.nextCursor]).toEqual([['nightly'], 'nightly']);
    const page2 = await call('GET', '/schedules?limit=1&cursor=nightly', 200, S.SchedulePage);
    expect([page2.schedules.map((x) => x.id), page2.nextCursor]).toEqual([['slow'], null]);
    await call('DELETE', '/schedules/slow', 204, null);
    await call('GET', '/schedules/slow', 404, S.ErrorBody);
    expect(api.warnings).toEqual([]);
  });

  it('a recipe that fails validation is a verdict, not an error', async () => {
    const broken = api.box.recipe('broken.yaml', {}, 'parameters: 5\n');
    const verdict = await api.call('POST', '/recipes/validate', 200, S.RecipeVerdict, {
      recipe: broken,
    });
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.length).toBeGreaterThan(0);
  });
});
