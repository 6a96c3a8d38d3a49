/**
 * More of pipelines, the same on both engines: a pipeline's timeline, a step that is a pipeline,
 * a recipe step's sub-recipes, a step with no output to hand over, a scheduled pipeline that
 * follows its source, and the hooks that still run when a pipeline is stopped (timeout, kill).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { eventually, forEachEngine, type EngineUnderTest } from './engines.js';

const SCHEMA = '{"type": "object", "properties": {"x": {"type": "number"}}}';

function file(e: EngineUnderTest, name: string, lines: string[]): string {
  const path = join(e.box.root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function recipe(e: EngineUnderTest, name: string, lines: string[]): string {
  return file(e, name, [...lines, 'version: "1.0.0"', `title: ${name}`, 'description: a step']);
}

function pipeline(e: EngineUnderTest, name: string, doc: Record<string, unknown>): string {
  return file(e, name, [JSON.stringify(doc, null, 2)]);
}

async function start(e: EngineUnderTest, path: string) {
  const defaults = e.app.runs.defaultOptions();
  const prepared = e.app.runs.prepare({
    recipe: path,
    params: {},
    options: { ...defaults, retryPolicy: { ...defaults.retryPolicy, maxAttempts: 1 } },
  });
  return e.app.runs.start(prepared);
}

forEachEngine('pipelines, more', (engine) => {
  it('a step that is a pipeline hands over its steps; sub-recipes travel; no JSON fails the step, not its run', async () => {
    const e = engine();
    await e.serve();
    recipe(e, 'steps/a.yaml', [
      '# goose-standin-output: {"x": 1}',
      'prompt: a',
      'sub_recipes:',
      '  - name: helper',
      '    path: ./sub/helper.yaml',
      'response:',
      `  json_schema: ${SCHEMA}`,
    ]);
    recipe(e, 'steps/sub/helper.yaml', ['prompt: help']);
    recipe(e, 'steps/silent.yaml', ['prompt: b', 'response:', `  json_schema: ${SCHEMA}`]);
    pipeline(e, 'inner/inner.json', { steps: [{ id: 'ia', recipe: '../steps/a.yaml' }] });
    const path = pipeline(e, 'outer.json', {
      steps: [
        { id: 'a', recipe: 'steps/a.yaml' },
        { id: 'nested', needs: ['a'], recipe: 'inner/inner.json' },
        { id: 'silent', needs: ['nested'], recipe: 'steps/silent.yaml', on_failure: 'continue' },
      ],
    });
    const run = await (await start(e, path)).settled;
    expect(run.status).toBe('succeeded');
    const detail = await e.app.runs.show(run.id);
    expect(detail.output?.value).toEqual({ a: { x: 1 }, nested: { ia: { x: 1 } } });
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ['a', 'succeeded', { x: 1 }],
      ['nested', 'succeeded', { ia: { x: 1 } }],
      ['silent', 'failed', null],
    ]);
    expect(detail.pipeline?.steps[2]?.reason).toMatch(/no structured output/);
    const types = detail.events.map((ev) => ev.type);
    expect(types[0]).toBe('run_created');
    expect(types.filter((t) => t === 'step_started')).toHaveLength(3);
    expect(types.filter((t) => t === 'step_ended')).toHaveLength(3);
    expect(types).toContain('pipeline_started');
    expect(types.at(-1)).toBe('run_completed');
    const ended = detail.events.find((ev) => ev.type === 'step_ended' && ev.data.step === 'nested');
    expect(ended?.data).toMatchObject({
      item: null,
      runId: `${run.id}:nested`,
      status: 'succeeded',
    });

    const nested = await e.app.runs.show(`${run.id}:nested`);
    expect(nested.run).toMatchObject({
      kind: 'pipeline',
      parent: { runId: run.id, step: 'nested', item: null },
    });
    expect(nested.output?.value).toEqual({ ia: { x: 1 } });
    const inner = await e.app.runs.get(`${run.id}:nested:ia`);
    expect(inner.parent).toEqual({ runId: `${run.id}:nested`, step: 'ia', item: null });
    // The step's run succeeded (goose did); the step failed: it had nothing to hand over.
    const silent = await e.app.runs.show(`${run.id}:silent`);
    expect([silent.run.status, silent.output]).toEqual(['succeeded', null]);
    const snapshot = await e.app.runs.recipeOf(`${run.id}:a`);
    expect(snapshot.files.map((f) => f.path).sort()).toEqual(['a.yaml', 'sub/helper.yaml']);
    expect(snapshot.run.recipePath).toBe(join(e.box.root, 'steps/a.yaml'));
  }, 120_000);

  it('a pipeline past its timeout ends timed_out, its running step cancelled; its failure hook still runs', async () => {
    const e = engine();
    await e.serve();
    recipe(e, 'slow.yaml', ['# goose-standin: sleep=60', 'prompt: slow']);
    recipe(e, 'hook.yaml', [
      '# goose-standin: sleep=2',
      '# goose-standin-output: told',
      'prompt: tell',
    ]);
    const path = pipeline(e, 'late.json', {
      timeout: '3s',
      steps: [{ id: 'slow', recipe: 'slow.yaml' }],
      handlers: [{ id: 'tell', recipe: 'hook.yaml' }],
      on_failure: 'tell',
    });
    const run = await (await start(e, path)).settled;
    expect([run.status, run.error]).toEqual(['timed_out', 'the pipeline timed out']);
    const detail = await e.app.runs.show(run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['slow', 'cancelled'],
      ['tell', 'succeeded'],
    ]);
  }, 120_000);

  it('kill: the running step is cancelled, then the on_cancel hook runs', async () => {
    const e = engine();
    await e.serve();
    recipe(e, 'slow.yaml', ['# goose-standin: sleep=60', 'prompt: slow']);
    recipe(e, 'hook.yaml', [
      '# goose-standin: sleep=2',
      '# goose-standin-output: told',
      'prompt: tell',
    ]);
    const path = pipeline(e, 'killed.json', {
      steps: [{ id: 'slow', recipe: 'slow.yaml' }],
      handlers: [{ id: 'tell', recipe: 'hook.yaml' }],
      on_cancel: 'tell',
    });
    const started = await start(e, path);
    await eventually(
      async () =>
        (await e.app.runs.get(`${started.run.id}:slow`).catch(() => null))?.status === 'running',
      'the slow step to run',
      60_000,
    );
    const outcome = await e.app.runs.kill(started.run.id, 'test kill');
    expect(outcome).toMatchObject({ settled: true, run: { status: 'cancelled' } });
    const detail = await e.app.runs.show(started.run.id);
    expect(detail.pipeline?.steps.map((s) => [s.id, s.status])).toEqual([
      ['slow', 'cancelled'],
      ['tell', 'succeeded'],
    ]);
    expect(detail.events.find((ev) => ev.type === 'kill_requested')?.data.reason).toBe('test kill');
  }, 120_000);

  it('a scheduled pipeline with --follow-source runs its files as they are when it fires', async () => {
    const e = engine();
    await e.serve();
    recipe(e, 'say.yaml', ['# goose-standin-output: before', 'prompt: say']);
    const path = pipeline(e, 'follow.json', { steps: [{ id: 'say', recipe: 'say.yaml' }] });
    await e.app.schedules.add(e.draft('follow', '0 3 * * *', path, { followSource: true }));
    recipe(e, 'say.yaml', ['# goose-standin-output: after', 'prompt: say']);
    await e.app.schedules.trigger('follow');
    const run = await eventually(
      async () => {
        const runs = (await e.runsOf('follow')).filter((r) => r.kind === 'pipeline');
        return runs[0]?.status === 'succeeded' ? runs[0] : undefined;
      },
      'the scheduled pipeline run to succeed',
      90_000,
    );
    expect((await e.app.runs.show(run.id)).output?.value).toEqual({ say: 'after' });
  }, 120_000);
});
