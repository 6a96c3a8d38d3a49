/**
 * Pipelines, the same on both engines: sequence, fan-out and fan-in with typed hand-over,
 * conditions, failure handlers and hooks, `continue`, resume without re-running settled steps,
 * cancellation of a running pipeline, a pipeline on a schedule, validation before anything runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { livePids, readPids } from '../support/harness.js';
import { eventually, forEachEngine, type EngineUnderTest } from './engines.js';
import type { Run } from '../../src/domain/run.js';
import { RecipeInvalidError } from '../../src/domain/recipe/recipe-error.js';
import {
  writePipeline as writeIn,
  writeStepRecipe,
  type StepRecipe,
} from '../support/pipeline-files.js';

/** A step recipe in the test's folder; every goose start is recorded (see `starts`). */
function writeRecipe(e: EngineUnderTest, name: string, r: StepRecipe = {}): void {
  const record = join(e.box.root, 'starts.jsonl');
  writeStepRecipe(e.box.root, name, { ...r, directives: { record, ...r.directives } });
}

function writePipeline(e: EngineUnderTest, name: string, doc: Record<string, unknown>): string {
  return writeIn(e.box.root, name, doc);
}

/** Recipe names the stand-in started, one per goose process (its record file). */
function starts(e: EngineUnderTest): string[] {
  const file = join(e.box.root, 'starts.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const argv = (JSON.parse(l) as { argv: string[] }).argv;
      const recipe = argv.find((a) => a.startsWith('--recipe='))!;
      return recipe.split('/').pop()!;
    });
}

async function runPipeline(
  e: EngineUnderTest,
  file: string,
  params: Record<string, string> = {},
): Promise<Run> {
  const defaults = e.app.runs.defaultOptions();
  const prepared = e.app.runs.prepare({
    recipe: file,
    params,
    options: { ...defaults, retryPolicy: { ...defaults.retryPolicy, maxAttempts: 1 } },
  });
  const started = await e.app.runs.start(prepared);
  return started.settled;
}

const LIST_SCHEMA = {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    prs: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
  },
};

function fanOut(e: EngineUnderTest): string {
  writeRecipe(e, 'list.yaml', {
    params: { repo: 'string' },
    schema: LIST_SCHEMA,
    output: '{"count": 3, "prs": [{"n": 1}, {"n": 2}, {"n": 3}]}',
  });
  writeRecipe(e, 'review.yaml', { params: { pr: 'number' }, output: 'reviewed {{ pr }}' });
  writeRecipe(e, 'sum.yaml', { params: { text: 'string' }, output: 'summary of {{ text }}' });
  return writePipeline(e, 'sweep.json', {
    name: 'sweep',
    parameters: [
      { key: 'repo', input_type: 'string', requirement: 'required', description: 'repo' },
    ],
    steps: [
      { id: 'list', recipe: 'list.yaml', params: { repo: '${params.repo}' } },
      {
        id: 'review',
        needs: ['list'],
        recipe: 'review.yaml',
        if: '${steps.list.output.count} > 0',
        for_each: '${steps.list.output.prs}',
        max_parallel: 2,
        params: { pr: '${item.n}' },
      },
      {
        id: 'sum',
        needs: ['review'],
        recipe: 'sum.yaml',
        params: { text: '${steps.review.output}' },
      },
    ],
  });
}

forEachEngine('pipelines', (engine) => {
  it('sequence, fan-out and fan-in: each step a run of its own, outputs handed over typed', async () => {
    const e = engine();
    await e.serve();
    const run = await runPipeline(e, fanOut(e), { repo: 'acme/app' });
    expect(run.status).toBe('succeeded');
    expect(run.kind).toBe('pipeline');
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['list', 'succeeded'],
      ['review', 'succeeded'],
      ['sum', 'succeeded'],
    ]);
    const review = detail.pipeline!.steps[1]!;
    expect(review.items).toBe(3);
    expect(review.instances.map((i) => i.runId)).toEqual([
      `${run.id}:review.0`,
      `${run.id}:review.1`,
      `${run.id}:review.2`,
    ]);
    const sum = await e.app.runs.show(`${run.id}:sum`);
    expect(sum.run.parent).toEqual({ runId: run.id, step: 'sum', item: null });
    expect(sum.run.params).toEqual({ text: '["reviewed 1","reviewed 2","reviewed 3"]' });
    expect(sum.output?.value).toBe('summary of ["reviewed 1","reviewed 2","reviewed 3"]');
    const list = await e.app.runs.show(`${run.id}:list`);
    expect(list.output?.value).toEqual({ count: 3, prs: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect(list.run.params).toEqual({ repo: 'acme/app' });
    expect(starts(e).sort()).toEqual(
      ['list.yaml', 'review.yaml', 'review.yaml', 'review.yaml', 'sum.yaml'].sort(),
    );
  });

  it('a false condition skips the step; what needs it still runs', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'check.yaml', {
      schema: { type: 'object', properties: { changed: { type: 'boolean' } } },
      output: '{"changed": false}',
    });
    writeRecipe(e, 'write.yaml', { output: 'written' });
    writeRecipe(e, 'post.yaml', { output: 'posted' });
    const file = writePipeline(e, 'cond.json', {
      steps: [
        { id: 'check', recipe: 'check.yaml' },
        {
          id: 'write',
          needs: ['check'],
          recipe: 'write.yaml',
          if: '${steps.check.output.changed}',
        },
        { id: 'post', needs: ['write'], recipe: 'post.yaml' },
      ],
    });
    const run = await runPipeline(e, file);
    expect(run.status).toBe('succeeded');
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['check', 'succeeded'],
      ['write', 'skipped'],
      ['post', 'succeeded'],
    ]);
    expect(detail.pipeline?.steps[1]?.reason).toMatch(/condition is false/);
    expect(starts(e)).not.toContain('write.yaml');
  });

  it('a failure stops the pipeline: later steps skipped, its handler and the exit hook run', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'build.yaml', { output: 'built' });
    writeRecipe(e, 'deploy.yaml', { directives: { exit: 3 } });
    writeRecipe(e, 'verify.yaml', { output: 'ok' });
    writeRecipe(e, 'rollback.yaml', { params: { why: 'string' }, output: 'rolled back' });
    writeRecipe(e, 'notify.yaml', { output: 'told' });
    const file = writePipeline(e, 'deploy.json', {
      steps: [
        { id: 'build', recipe: 'build.yaml' },
        { id: 'deploy', needs: ['build'], recipe: 'deploy.yaml', on_failure: 'rollback' },
        { id: 'verify', needs: ['deploy'], recipe: 'verify.yaml' },
      ],
      handlers: [
        { id: 'rollback', recipe: 'rollback.yaml', params: { why: '${steps.deploy.status}' } },
        { id: 'notify', recipe: 'notify.yaml' },
      ],
      on_exit: 'notify',
    });
    const run = await runPipeline(e, file);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/deploy failed/);
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['build', 'succeeded'],
      ['deploy', 'failed'],
      ['verify', 'skipped'],
      ['rollback', 'succeeded'],
      ['notify', 'succeeded'],
    ]);
    expect((await e.app.runs.show(`${run.id}:rollback`)).run.params).toEqual({ why: 'failed' });
    expect(starts(e)).not.toContain('verify.yaml');
  });

  it('on_failure continue: the pipeline goes on, a step can react to the failure, and it succeeds', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'lint.yaml', { directives: { exit: 1 } });
    writeRecipe(e, 'fix.yaml', { output: 'fixed' });
    writeRecipe(e, 'ship.yaml', { output: 'shipped' });
    const file = writePipeline(e, 'lint.json', {
      steps: [
        { id: 'lint', recipe: 'lint.yaml', on_failure: 'continue' },
        { id: 'fix', needs: ['lint'], recipe: 'fix.yaml', if: '${steps.lint.status} == "failed"' },
        { id: 'ship', needs: ['lint'], recipe: 'ship.yaml' },
      ],
    });
    const run = await runPipeline(e, file);
    expect(run.status).toBe('succeeded');
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['lint', 'failed'],
      ['fix', 'succeeded'],
      ['ship', 'succeeded'],
    ]);
  });

  it('resume runs the failed step again and not the steps that succeeded', async () => {
    const e = engine();
    await e.serve();
    const fixed = join(e.box.root, 'fixed');
    writeRecipe(e, 'fetch.yaml', {
      schema: { type: 'object', properties: { n: { type: 'number' } } },
      output: '{"n": 41}',
    });
    writeRecipe(e, 'flaky.yaml', {
      params: { n: 'number' },
      directives: { fail_unless: fixed },
      output: 'got {{ n }}',
    });
    const file = writePipeline(e, 'resume.json', {
      steps: [
        { id: 'fetch', recipe: 'fetch.yaml' },
        {
          id: 'use',
          needs: ['fetch'],
          recipe: 'flaky.yaml',
          params: { n: '${steps.fetch.output.n}' },
        },
      ],
    });
    const first = await runPipeline(e, file);
    expect(first.status).toBe('failed');
    writeFileSync(fixed, '');
    const prepared = await e.app.runs.prepareResume(first.id);
    const second = await (await e.app.runs.start(prepared)).settled;
    expect(second.status).toBe('succeeded');
    expect(second.resumeOf).toBe(first.id);
    const detail = await e.app.runs.show(second.id);
    const fetch = detail.pipeline!.steps[0]!;
    expect(fetch.status).toBe('succeeded');
    expect(fetch.instances[0]).toMatchObject({ runId: `${first.id}:fetch`, carriedFrom: first.id });
    expect((await e.app.runs.show(`${second.id}:use`)).output?.value).toBe('got 41');
    expect(starts(e).filter((s) => s === 'fetch.yaml')).toHaveLength(1);
    expect(starts(e).filter((s) => s === 'flaky.yaml')).toHaveLength(2);
    await expect(e.app.runs.prepareResume(second.id)).rejects.toThrow(/only a failed/);
  });

  it('kill cancels a running pipeline: its running step is cancelled, its tree gone, nothing new starts', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'slow.yaml', { directives: { sleep: 60, children: 1 } });
    writeRecipe(e, 'after.yaml', { output: 'never' });
    const file = writePipeline(e, 'cancel.json', {
      steps: [
        { id: 'slow', recipe: 'slow.yaml' },
        { id: 'after', needs: ['slow'], recipe: 'after.yaml' },
      ],
    });
    const defaults = e.app.runs.defaultOptions();
    const prepared = e.app.runs.prepare({ recipe: file, params: {}, options: defaults });
    const started = await e.app.runs.start(prepared);
    await eventually(
      () => readPids(e.box.pidfile).length >= 3,
      'the slow step to be running with its tree',
      60_000,
    );
    await e.app.runs.kill(started.run.id, 'test kill');
    const run = await started.settled;
    expect(run.status).toBe('cancelled');
    const step = await e.app.runs.get(`${run.id}:slow`);
    expect(step.status).toBe('cancelled');
    await eventually(() => livePids(readPids(e.box.pidfile)).length === 0, 'the tree to be gone');
    expect(starts(e)).not.toContain('after.yaml');
  });

  it('a pipeline is scheduled like a recipe: a triggered occurrence runs every step', async () => {
    const e = engine();
    await e.serve();
    const file = fanOut(e);
    await e.app.schedules.add(
      e.draft('sweep', '0 3 * * *', file, { params: { repo: 'acme/app' } }),
    );
    await e.app.schedules.trigger('sweep');
    const run = await eventually(
      async () => {
        const runs = (await e.runsOf('sweep')).filter((r) => r.kind === 'pipeline');
        return runs[0]?.status === 'succeeded' ? runs[0] : undefined;
      },
      'the scheduled pipeline run to succeed',
      90_000,
    );
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.every((s) => s.status === 'succeeded')).toBe(true);
    // The steps are the pipeline run's, not the schedule's (overlap, pause on failure follow it).
    expect((await e.runsOf('sweep')).map((r) => r.id)).toEqual([run.id]);
  });

  it('a step can be another pipeline: its steps run as its own steps, its outputs hand over by step', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'draft.yaml', { output: 'the draft' });
    writeRecipe(e, 'polish.yaml', { params: { text: 'string' }, output: 'polished {{ text }}' });
    writePipeline(e, 'inner.json', {
      parameters: [
        { key: 'topic', input_type: 'string', requirement: 'required', description: 't' },
      ],
      steps: [
        { id: 'draft', recipe: 'draft.yaml' },
        {
          id: 'polish',
          needs: ['draft'],
          recipe: 'polish.yaml',
          params: { text: '${params.topic}: ${steps.draft.output}' },
        },
      ],
    });
    writeRecipe(e, 'publish.yaml', { params: { text: 'string' }, output: 'published {{ text }}' });
    const file = writePipeline(e, 'outer.json', {
      steps: [
        { id: 'write', recipe: 'inner.json', params: { topic: 'pipelines' } },
        {
          id: 'publish',
          needs: ['write'],
          recipe: 'publish.yaml',
          params: { text: '${steps.write.output.polish}' },
        },
      ],
    });
    const run = await runPipeline(e, file);
    expect(run.status).toBe('succeeded');
    const inner = await e.app.runs.show(`${run.id}:write`);
    expect(inner.run.kind).toBe('pipeline');
    expect(inner.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['draft', 'succeeded'],
      ['polish', 'succeeded'],
    ]);
    expect((await e.app.runs.show(`${run.id}:write:polish`)).run.params).toEqual({
      text: 'pipelines: the draft',
    });
    expect((await e.app.runs.show(`${run.id}:publish`)).output?.value).toBe(
      'published polished pipelines: the draft',
    );
    // `logs` of the outer run takes the inner pipeline's steps in their place.
    const heads: string[] = [];
    let text = '';
    await e.app.logs.streamPipeline(
      run.id,
      { follow: false },
      (chunk) => (text += chunk.data.toString('utf8')),
      (key) => heads.push(key),
    );
    expect(heads).toEqual(['write:draft', 'write:polish', 'publish']);
    expect(text).toMatch(/the draft[\s\S]*polished pipelines[\s\S]*published polished/);
  });

  it("the pipeline's timeout cancels its running step and ends it timed_out; the exit hook still runs", async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'slow.yaml', { directives: { sleep: 60 } });
    writeRecipe(e, 'bye.yaml', { output: 'bye' });
    const file = writePipeline(e, 'timeout.json', {
      timeout: '3s',
      steps: [{ id: 'slow', recipe: 'slow.yaml' }],
      handlers: [{ id: 'bye', recipe: 'bye.yaml' }],
      on_exit: 'bye',
    });
    const run = await runPipeline(e, file);
    expect(run.status).toBe('timed_out');
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['slow', 'cancelled'],
      ['bye', 'succeeded'],
    ]);
    await eventually(() => livePids(readPids(e.box.pidfile)).length === 0, 'the tree to be gone');
  });

  it('an invalid pipeline is refused before anything runs, each problem at its line', async () => {
    const e = engine();
    await e.serve();
    writeRecipe(e, 'review.yaml', { params: { pr: 'number' } });
    const file = join(e.box.root, 'bad.yaml');
    writeFileSync(
      file,
      [
        'steps:',
        '  - id: a',
        '    recipe: review.yaml',
        '    params:',
        '      pr: "not a number"',
        '  - id: b',
        '    needs: [zz]',
        '    recipe: missing.yaml',
      ].join('\n'),
    );
    const defaults = e.app.runs.defaultOptions();
    let error: unknown;
    try {
      e.app.runs.prepare({ recipe: file, params: {}, options: defaults });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RecipeInvalidError);
    expect((error as Error).message).toMatch(
      /bad\.yaml:8:\d+: error: step `b`: recipe missing\.yaml cannot be used/,
    );
    const listed = await e.app.runs.list({ limit: 10 });
    // The Temporal side shares one server (one namespace) between the cases of this file: there,
    // only the runs of this case's files count.
    expect(
      e.name === 'temporal' ? listed.filter((r) => r.recipePath.startsWith(e.box.root)) : listed,
    ).toEqual([]);
    expect(starts(e)).toEqual([]);
  });
});
