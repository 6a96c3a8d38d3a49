/**
 * Pipelines through the REST API, in process (embedded engine, no daemon: runs started through
 * the API are driven here): a pipeline run and its steps' runs as the API shows them, resume of a
 * failed one, and the statuses of a resume that cannot be. Every response is checked against its
 * zod schema and the published OpenAPI document.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { waitFor } from '../support/harness.js';
import { openInProcessApi, type InProcessApi } from '../support/in-process-api.js';
import { writePipeline, writeStepRecipe } from '../support/pipeline-files.js';

let api: InProcessApi;
beforeEach(async () => {
  api = await openInProcessApi();
});
afterEach(async () => api.close());

const path = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** Polls the run until it has ended; its detail. */
async function settled(id: string) {
  return waitFor(
    async () => {
      const d = await api.call('GET', path(id), 200, S.RunDetail);
      return ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(d.status) && d;
    },
    60_000,
    `run ${id} to end`,
  );
}

/** list → review each item (fan-out) → publish, which fails until `fixed` exists. */
function releasePipeline(fixed: string): string {
  const folder = api.box.root;
  writeStepRecipe(folder, 'list.yaml', {
    schema: { type: 'object', properties: { items: { type: 'array' } } },
    output: '{"items": ["a", "b"]}',
  });
  writeStepRecipe(folder, 'review.yaml', { params: { what: 'string' }, output: 'ok {{ what }}' });
  writeStepRecipe(folder, 'publish.yaml', {
    params: { reviews: 'string' },
    directives: { fail_unless: fixed },
    output: 'published',
  });
  return writePipeline(folder, 'release.json', {
    name: 'release',
    steps: [
      { id: 'list', recipe: 'list.yaml' },
      {
        id: 'review',
        needs: ['list'],
        recipe: 'review.yaml',
        for_each: '${steps.list.output.items}',
        params: { what: '${item}' },
      },
      {
        id: 'publish',
        needs: ['review'],
        recipe: 'publish.yaml',
        params: { reviews: '${steps.review.output}' },
      },
    ],
  });
}

describe('pipelines through the API', () => {
  it('shows a pipeline run with its steps, and resumes it after a failure', async () => {
    const fixed = join(api.box.root, 'fixed');
    const file = releasePipeline(fixed);
    const run = await api.call('POST', '/runs', 201, S.Run, { recipe: file, retries: 0 });
    expect(run).toMatchObject({ kind: 'pipeline', pipelineRun: null, resumeOf: null });

    const failed = await settled(run.id);
    expect(failed.status).toBe('failed');
    expect(failed.output).toBeNull();
    expect(failed.pipeline?.name).toBe('release');
    const steps = failed.pipeline!.steps;
    expect(steps.map((s) => [s.id, s.role, s.status, s.needs])).toEqual([
      ['list', 'step', 'succeeded', []],
      ['review', 'step', 'succeeded', ['list']],
      ['publish', 'step', 'failed', ['review']],
    ]);
    expect(steps[0]!.output).toEqual({ items: ['a', 'b'] });
    expect(steps[1]!.items).toBe(2);
    expect(steps[1]!.output).toEqual(['ok a', 'ok b']);
    expect(steps[1]!.instances.map((i) => [i.key, i.item, i.status, i.runId])).toEqual([
      ['review.0', 0, 'succeeded', `${run.id}:review.0`],
      ['review.1', 1, 'succeeded', `${run.id}:review.1`],
    ]);
    const publish = steps[2]!.instances[0]!;
    expect(publish).toMatchObject({ key: 'publish', status: 'failed', attempts: 1 });
    expect(publish.startedAt).not.toBeNull();
    expect(publish.durationMs).toBeGreaterThanOrEqual(0);

    // A step's run names its pipeline run, and shows what it handed over.
    const review = await api.call('GET', path(`${run.id}:review.1`), 200, S.RunDetail);
    expect(review).toMatchObject({
      kind: 'recipe',
      pipelineRun: { runId: run.id, step: 'review', item: 1 },
      output: 'ok b',
      pipeline: null,
    });
    // The list has the pipeline run and its steps' runs, each with its link.
    const listed = (await api.call('GET', '/runs?limit=100', 200, S.RunPage)).runs;
    expect(listed.find((r) => r.id === run.id)).toMatchObject({ kind: 'pipeline' });
    expect(listed.find((r) => r.id === `${run.id}:list`)?.pipelineRun).toEqual({
      runId: run.id,
      step: 'list',
      item: null,
    });

    // Resume: a new run that carries the succeeded steps over and runs the failed one again.
    writeFileSync(fixed, '');
    const resumed = await api.call('POST', `${path(run.id)}/resume`, 201, S.Run);
    expect(resumed).toMatchObject({ kind: 'pipeline', resumeOf: run.id, pipelineRun: null });
    expect(resumed.id).not.toBe(run.id);
    const done = await settled(resumed.id);
    expect(done.status).toBe('succeeded');
    expect(done.pipeline!.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(done.pipeline!.steps[0]!.instances[0]).toMatchObject({
      runId: `${run.id}:list`,
      carriedFrom: run.id,
    });
    expect(done.pipeline!.steps[2]!.instances[0]!.runId).toBe(`${resumed.id}:publish`);
    expect(done.output).toEqual({
      list: { items: ['a', 'b'] },
      review: ['ok a', 'ok b'],
      publish: 'published',
    });

    // What cannot be resumed: a run that succeeded (409), a step's run (400), an unknown run (404).
    const ok = await api.call('POST', `${path(resumed.id)}/resume`, 409, S.ErrorBody);
    expect(ok.error).toMatchObject({ code: 'run_not_resumable', details: { status: 'succeeded' } });
    const step = await api.call('POST', `${path(`${run.id}:publish`)}/resume`, 400, S.ErrorBody);
    expect(step.error.message).toMatch(/is a step of pipeline run/);
    await api.call('POST', `${path('r-nope')}/resume`, 404, S.ErrorBody);
  });

  it("refuses to resume a recipe's run (400) and a pipeline run that has not ended (409)", async () => {
    const recipe = api.box.recipe('plain.yaml', { lines: 1 });
    const plain = await api.call('POST', '/runs', 201, S.Run, { recipe, retries: 0 });
    expect(plain).toMatchObject({ kind: 'recipe', pipelineRun: null, resumeOf: null });
    const e = await api.call('POST', `${path(plain.id)}/resume`, 400, S.ErrorBody);
    expect(e.error.message).toMatch(/only a pipeline run can be resumed/);
    await settled(plain.id);

    const gate = join(api.box.root, 'gate');
    writeStepRecipe(api.box.root, 'wait.yaml', { directives: { wait_file: gate } });
    const file = writePipeline(api.box.root, 'wait.json', {
      steps: [{ id: 'wait', recipe: 'wait.yaml' }],
    });
    const running = await api.call('POST', '/runs', 201, S.Run, { recipe: file, retries: 0 });
    const busy = await api.call('POST', `${path(running.id)}/resume`, 409, S.ErrorBody);
    expect(busy.error.code).toBe('run_not_resumable');
    writeFileSync(gate, '');
    expect((await settled(running.id)).status).toBe('succeeded');
  });
});
