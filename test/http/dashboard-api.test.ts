/**
 * The routes the dashboard needs beyond the CLI's: the schedule preview, ad-hoc runs, a run's
 * recipe snapshot, run counts per hour and the runs list's filters. In process (embedded engine,
 * no daemon: a run started through the API is driven here), every response checked against its
 * zod schema and the published OpenAPI document.
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

const PARAMS =
  'parameters:\n' +
  '  - key: topic\n    input_type: string\n    requirement: required\n    description: what to report on\n' +
  '  - key: depth\n    input_type: string\n    requirement: optional\n    default: "2"\n    description: how deep\n' +
  'instructions: report on {{ topic }} at depth {{ depth }}\n';

describe('POST /schedules/preview', () => {
  it('previews the next fires in the zone, a clock change called out, creating nothing', async () => {
    const recipe = api.box.recipe('nightly.yaml', {});
    const p = await api.call('POST', '/schedules/preview', 200, S.SchedulePreview, {
      id: 'nightly',
      cron: '30 2 * * *',
      timezone: 'Europe/Berlin',
      recipe,
      // A fixed start puts a spring-forward night (28 March 2027) among the next fires.
      start: '2027-03-25T12:00:00Z',
    });
    expect(p).toMatchObject({ valid: true, errors: [], timezone: 'Europe/Berlin' });
    expect(p.describe).toBe('At 02:30');
    expect(p.next).toHaveLength(10);
    expect(p.next.slice(0, 4)).toEqual([
      '2027-03-26T02:30:00+01:00',
      '2027-03-27T02:30:00+01:00',
      '2027-03-28T03:00:00+02:00',
      '2027-03-29T02:30:00+02:00',
    ]);
    expect(p.dstNotes).toEqual([
      {
        at: '2027-03-28T03:00:00+02:00',
        note: expect.stringContaining('02:30 is not on the clock') as string,
      },
    ]);
    expect(p.parameters).toEqual([]);
    expect((await api.call('GET', '/schedules', 200, S.SchedulePage)).schedules).toEqual([]);
  });

  it("names every bad field, and offers the recipe's parameters", async () => {
    const recipe = api.box.recipe('params.yaml', {}, PARAMS);
    await api.call('POST', '/schedules', 201, S.Schedule, {
      id: 'taken',
      cron: '@daily',
      recipe,
      params: { topic: 'x' },
    });
    // The schedule's own recipe snapshot, as its runs execute it.
    const snap = await api.call('GET', '/schedules/taken/recipe', 200, S.RunRecipe);
    expect(snap).toMatchObject({ path: recipe, truncated: false, files: [] });
    expect(snap.content).toContain('report on {{ topic }}');
    await api.call('GET', '/schedules/nope/recipe', 404, S.ErrorBody);
    const p = await api.call('POST', '/schedules/preview', 200, S.SchedulePreview, {
      id: 'taken',
      cron: '61 * * * *',
      timezone: 'Mars/Olympus',
      jitter: 'soon',
      start: 'tomorrow',
      recipe,
    });
    expect(p.valid).toBe(false);
    const fields = p.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['cron', 'id', 'jitter', 'params.topic', 'start', 'timezone']);
    expect(p.errors.find((e) => e.field === 'cron')!.message).toMatch(/out of range/);
    expect(p.next).toEqual([]);
    expect(p.parameters).toEqual([
      {
        name: 'topic',
        inputType: 'string',
        requirement: 'required',
        default: null,
        description: 'what to report on',
        options: null,
      },
      {
        name: 'depth',
        inputType: 'string',
        requirement: 'optional',
        default: '2',
        description: 'how deep',
        options: null,
      },
    ]);
    // Without an id (an edit), the id is not checked; a missing recipe file is named at `recipe`.
    const edit = await api.call('POST', '/schedules/preview', 200, S.SchedulePreview, {
      cron: '@hourly',
      recipe: `${api.box.root}/missing.yaml`,
      catchup: 'latest',
    });
    expect(edit.errors.map((e) => e.field).sort()).toEqual(['catchup', 'recipe']);
    expect(edit.next).toHaveLength(10);
  });

  it('answers a body that is not an object, or not JSON, with the one error shape', async () => {
    const e = await api.call('POST', '/schedules/preview', 400, S.ErrorBody, [1, 2]);
    expect(e.error.code).toBe('invalid_request');
    await api.call('POST', '/schedules/preview', 400, S.ErrorBody, '{not json');
  });
});

describe('ad-hoc runs, their recipe, counts and filters', () => {
  it('starts a run without waiting for it, and shows what it ran', async () => {
    const recipe = api.box.recipe('adhoc.yaml', {}, PARAMS);
    const run = await api.call('POST', '/runs', 201, S.Run, {
      recipe,
      params: { topic: 'goose' },
      timeout: '5m',
      retries: 0,
    });
    expect(run).toMatchObject({ trigger: 'manual', scheduleId: null, recipe });
    expect(run.params).toEqual({ topic: 'goose', depth: '2' });
    const id = encodeURIComponent(run.id);
    await waitFor(
      async () => (await api.call('GET', `/runs/${id}`, 200, S.RunDetail)).status === 'succeeded',
      30_000,
      'the ad-hoc run succeeded',
    );
    const detail = await api.call('GET', `/runs/${id}`, 200, S.RunDetail);
    expect(detail.options.timeoutMs).toBe(300_000);
    expect(detail.options.retryPolicy.maxAttempts).toBe(1);

    const snapshot = await api.call('GET', `/runs/${id}/recipe`, 200, S.RunRecipe);
    expect(snapshot).toMatchObject({ path: recipe, hash: run.recipeHash, truncated: false });
    expect(snapshot.content).toContain('report on {{ topic }}');
    expect(snapshot.files).toEqual([]);
    await api.call('GET', '/runs/r-nope/recipe', 404, S.ErrorBody);

    // Filters: trigger, and the creation time window.
    const manual = await api.call('GET', '/runs?trigger=manual', 200, S.RunPage);
    expect(manual.runs.map((r) => r.id)).toEqual([run.id]);
    expect((await api.call('GET', '/runs?trigger=schedule', 200, S.RunPage)).runs).toEqual([]);
    const created = Date.parse(run.createdAt!);
    const at = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const inside = await api.call(
      'GET',
      `/runs?since=${at(created)}&until=${at(created + 1)}`,
      200,
      S.RunPage,
    );
    expect(inside.runs).toHaveLength(1);
    expect((await api.call('GET', `/runs?since=${at(created + 1)}`, 200, S.RunPage)).runs).toEqual(
      [],
    );
    await api.call('GET', '/runs?until=yesterday', 400, S.ErrorBody);
    await api.call('GET', '/runs?trigger=cron', 400, S.ErrorBody);

    // Counts per hour: the run is in the last bucket.
    const stats = await api.call('GET', '/stats/runs?hours=3', 200, S.RunStats);
    expect(stats.buckets).toHaveLength(3);
    expect(stats.totals).toEqual({
      succeeded: 1,
      failed: 0,
      timed_out: 0,
      cancelled: 0,
      active: 0,
    });
    expect(stats.buckets.at(-1)!.succeeded).toBe(1);
    expect(stats.complete).toBe(true);
    expect((await api.call('GET', '/stats/runs', 200, S.RunStats)).buckets).toHaveLength(24);
    await api.call('GET', '/stats/runs?hours=0', 400, S.ErrorBody);
    await api.call('GET', '/stats/runs?hours=169', 400, S.ErrorBody);
  });

  it('refuses what cannot run, each error at its field', async () => {
    const needsTopic = api.box.recipe('needs.yaml', {}, PARAMS);
    const missing = await api.call('POST', '/runs', 400, S.ErrorBody, { recipe: needsTopic });
    expect(missing.error.message).toMatch(/topic/);
    const notRecipe = await api.call('POST', '/runs', 400, S.ErrorBody, { recipe: '/etc/passwd' });
    expect(notRecipe.error.details.field).toBe('recipe');
    const badTimeout = await api.call('POST', '/runs', 400, S.ErrorBody, {
      recipe: needsTopic,
      params: { topic: 'x' },
      timeout: 'forever',
    });
    expect(badTimeout.error.message).toMatch(/timeout/);
    const unknown = await api.call('POST', '/runs', 400, S.ErrorBody, {
      recipe: needsTopic,
      wat: 1,
    });
    expect(unknown.error.details.issues).toEqual([{ field: 'wat', message: 'unknown field' }]);
    expect((await api.call('GET', '/runs', 200, S.RunPage)).runs).toEqual([]);
  });
});
