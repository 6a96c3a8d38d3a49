import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { CompiledPipeline, StepPlan, StepRecipe } from '../../src/domain/pipeline/model.js';
import { planPipeline, type StepView } from '../../src/domain/pipeline/plan.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import type { GoosePipelineInput, RunMemo } from '../../src/engines/temporal/names.js';
import {
  stepChild,
  stepLinkOf,
  stepRecipeFiles,
  stepResultOf,
} from '../../src/engines/temporal/pipeline-steps.js';
import { fromMemo, toMemo } from '../../src/engines/temporal/pipeline-memo.js';
import { readPipelineHistory } from '../../src/engines/temporal/pipeline-history.js';

const recipe = (file: string, more: Partial<StepRecipe> = {}): StepRecipe => ({
  file,
  kind: 'recipe',
  output: 'text',
  outputType: { type: 'string' },
  subRecipes: [],
  parameters: [],
  pipeline: null,
  ...more,
});

const step = (id: string, r: StepRecipe, more: Partial<StepPlan> = {}): StepPlan => ({
  id,
  recipe: r,
  needs: [],
  params: {},
  condition: null,
  forEach: null,
  retries: null,
  timeoutMs: null,
  onFailure: { kind: 'stop' },
  ...more,
});

const pipelineOf = (steps: StepPlan[], file = 'p.yaml'): CompiledPipeline => ({
  file,
  name: 'p',
  description: '',
  parameters: [],
  timeoutMs: null,
  steps,
  handlers: [],
  hooks: { success: null, failure: null, cancel: null, exit: null },
});

const FILES = [
  { path: 'p.yaml', content: 'steps: []' },
  { path: 'recipes/a.yaml', content: 'prompt: a' },
  { path: 'recipes/sub/helper.yaml', content: 'prompt: help' },
  { path: 'shared/other.yaml', content: 'prompt: other' },
  { path: 'inner/inner.yaml', content: 'steps: []' },
];

const OPTIONS = {
  timeoutMs: 60_000,
  graceMs: 1_000,
  heartbeatMs: 1_000,
  cwd: null,
  logCapBytes: 1024,
  retry: DEFAULT_RETRY_POLICY,
};

const input = (pipeline: CompiledPipeline): GoosePipelineInput => ({
  scheduleId: 'nightly',
  trigger: 'schedule',
  recipePath: '/home/me/flow/p.yaml',
  recipeHash: 'top',
  recipeFiles: FILES,
  followSource: false,
  params: {},
  options: OPTIONS,
  pipeline,
  stepHashes: { 'recipes/a.yaml': 'a-hash' },
});

const memo: RunMemo = {
  trigger: 'schedule',
  scheduleId: 'nightly',
  recipePath: '/home/me/flow/p.yaml',
  recipeHash: 'top',
  params: {},
  options: {
    timeoutMs: 60_000,
    graceMs: 1_000,
    retryPolicy: DEFAULT_RETRY_POLICY,
    cwd: '/w',
    logCapBytes: 1024,
  },
  parent: null,
  resumeOf: null,
};

describe("a pipeline step's child workflow", () => {
  it("ships a recipe step's own snapshot: its file first, its sub-recipes inside its folder", () => {
    const r = recipe('recipes/a.yaml', {
      subRecipes: ['./sub/helper.yaml', '../shared/other.yaml', 'sub/../sub/helper.yaml'],
    });
    expect(stepRecipeFiles(FILES, r)).toEqual([
      { path: 'a.yaml', content: 'prompt: a' },
      { path: 'sub/helper.yaml', content: 'prompt: help' },
    ]);
  });

  it('runs a recipe step with its params, its timeout and retries, its output kind and a link to its pipeline', () => {
    const s = step('a', recipe('recipes/a.yaml', { output: 'json' }), {
      retries: 0,
      timeoutMs: 5_000,
    });
    const child = stepChild('r-1', input(pipelineOf([s])), memo, {
      key: 'a.2',
      step: s,
      item: 2,
      params: { n: '1' },
    });
    expect(child.workflowId).toBe('r-1:a.2');
    expect(child.kind).toBe('recipe');
    expect(child.input).toMatchObject({
      recipePath: '/home/me/flow/recipes/a.yaml',
      recipeHash: 'a-hash',
      recipeFiles: [{ path: 'a.yaml', content: 'prompt: a' }],
      scheduleId: null,
      params: { n: '1' },
      parent: { runId: 'r-1', step: 'a', item: 2 },
      output: 'json',
      options: { timeoutMs: 5_000, retry: { maxAttempts: 1 } },
    });
    expect(child.memo).toMatchObject({
      recipePath: '/home/me/flow/recipes/a.yaml',
      recipeHash: 'a-hash',
      parent: { runId: 'r-1', step: 'a', item: 2 },
      options: { timeoutMs: 5_000, retryPolicy: { maxAttempts: 1 }, cwd: '/w' },
    });
  });

  it('runs a step that is a pipeline with every file and its compiled form', () => {
    const inner = pipelineOf([step('ia', recipe('recipes/a.yaml'))], 'inner/inner.yaml');
    const s = step('nested', recipe('inner/inner.yaml', { kind: 'pipeline', pipeline: inner }));
    const child = stepChild('r-1', input(pipelineOf([s])), memo, {
      key: 'nested',
      step: s,
      item: null,
      params: {},
    });
    expect(child.kind).toBe('pipeline');
    expect(child.input).toMatchObject({
      recipePath: '/home/me/flow/inner/inner.yaml',
      recipeHash: 'top',
      recipeFiles: FILES,
      pipeline: inner,
    });
    // Its own steps resolve against the same folder.
    const grandchild = stepChild('r-1:nested', child.input as GoosePipelineInput, child.memo, {
      key: 'ia',
      step: inner.steps[0]!,
      item: null,
      params: {},
    });
    expect(grandchild.input.recipePath).toBe('/home/me/flow/recipes/a.yaml');
  });

  it("takes a step's result from how its child ended", () => {
    const done = (output: unknown) => ({ how: 'completed' as const, result: { output } });
    expect(stepResultOf('a', 'r:a', 'recipe', done({ value: { x: 1 } }))).toMatchObject({
      status: 'succeeded',
      output: { x: 1 },
    });
    expect(stepResultOf('a', 'r:a', 'recipe', done({ error: 'no JSON' }))).toMatchObject({
      status: 'failed',
      error: 'no JSON',
    });
    expect(stepResultOf('a', 'r:a', 'recipe', done(undefined)).status).toBe('failed');
    expect(
      stepResultOf('n', 'r:n', 'pipeline', { how: 'completed', result: { output: { a: 1 } } }),
    ).toMatchObject({ status: 'succeeded', output: { a: 1 } });
    expect(
      stepResultOf('a', 'r:a', 'recipe', { how: 'failed', type: 'TimedOut', message: 'late' }),
    ).toMatchObject({ status: 'timed_out', error: 'late' });
    expect(stepResultOf('a', 'r:a', 'recipe', { how: 'cancelled', message: null })).toMatchObject({
      status: 'cancelled',
      error: 'cancelled on request',
    });
  });

  it("reads a step's link from its run id, a schedule run's time and all", () => {
    expect(stepLinkOf('nightly-2026-11-27T06:00:00Z:review.3')).toEqual({
      runId: 'nightly-2026-11-27T06:00:00Z',
      step: 'review',
      item: 3,
    });
    expect(stepLinkOf('r-1:nested:ia')).toEqual({ runId: 'r-1:nested', step: 'ia', item: null });
    expect(stepLinkOf('nightly-2026-11-27T06:00:00Z')).toBeNull();
  });
});

describe("a pipeline's memo", () => {
  const views = (): readonly StepView[] => {
    const fan = step('review', recipe('recipes/a.yaml'), {
      forEach: { items: { kind: 'literal', value: [1, 2, 3, 4, 5, 6] }, maxParallel: 2 },
    });
    const results = new Map([
      [
        'review.0',
        {
          key: 'review.0',
          runId: 'r-0:review.0',
          status: 'succeeded' as const,
          carriedFrom: 'r-0',
        },
      ],
      [
        'review.1',
        { key: 'review.1', runId: 'r-1:review.1', status: 'failed' as const, error: 'boom' },
      ],
      ['review.2', { key: 'review.2', runId: 'r-1:review.2', status: 'running' as const }],
    ]);
    return planPipeline({ pipeline: pipelineOf([fan]), params: {}, results, stopping: null }).steps;
  };

  it('gives back the steps as the planner showed them, outputs left out', () => {
    const shown = views();
    const back = fromMemo('r-1', JSON.parse(JSON.stringify(toMemo('r-1', 'p', shown))));
    expect(back).toEqual(shown.map((s) => ({ ...s, output: null })));
  });

  it('stays small: one letter per fan-out item', () => {
    const fan = step('many', recipe('recipes/a.yaml'), {
      forEach: { items: { kind: 'literal', value: [...Array(1000).keys()] }, maxParallel: 4 },
    });
    const plan = planPipeline({
      pipeline: pipelineOf([fan]),
      params: {},
      results: new Map(),
      stopping: null,
    });
    expect(JSON.stringify(toMemo('r-1', 'p', plan.steps)).length).toBeLessThan(1_500);
  });
});

describe("a pipeline run's history", () => {
  const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  const payload = (v: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(v)] });
  const T0 = Date.UTC(2026, 10, 27, 6);

  it('gives each step instance its result (outputs from the children) and the step events', () => {
    const p = pipelineOf([
      step('a', recipe('recipes/a.yaml')),
      step('b', recipe('recipes/a.yaml')),
    ]);
    const carried = {
      key: 'c',
      runId: 'r-0:c',
      status: 'succeeded',
      output: 7,
      carriedFrom: 'r-0',
    };
    const history = [
      {
        eventTime: ts(T0),
        workflowExecutionStartedEventAttributes: {
          input: payload({ ...input(p), resume: { of: 'r-0', carried: [carried] } }),
        },
      },
      { eventTime: ts(T0 + 10), workflowTaskCompletedEventAttributes: {} },
      {
        eventTime: ts(T0 + 20),
        startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'r-1:a' },
      },
      {
        eventTime: ts(T0 + 30),
        childWorkflowExecutionCompletedEventAttributes: {
          workflowExecution: { workflowId: 'r-1:a' },
          result: payload({ exitCode: 0, output: { value: 'hello' } }),
        },
      },
      {
        eventTime: ts(T0 + 40),
        startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'r-1:b' },
      },
      {
        eventTime: ts(T0 + 50),
        childWorkflowExecutionFailedEventAttributes: {
          workflowExecution: { workflowId: 'r-1:b' },
          failure: { message: 'too slow', applicationFailureInfo: { type: 'TimedOut' } },
        },
      },
    ];
    const read = readPipelineHistory('r-1', history as never);
    expect([...read.results.values()]).toEqual([
      carried,
      { key: 'a', runId: 'r-1:a', status: 'succeeded', output: 'hello', carriedFrom: null },
      { key: 'b', runId: 'r-1:b', status: 'timed_out', error: 'too slow', carriedFrom: null },
    ]);
    expect(read.events.map((e) => [e.type, e.data])).toEqual([
      ['pipeline_started', { pipeline: 'p', steps: 2 }],
      ['step_started', { step: 'a', item: null, runId: 'r-1:a' }],
      ['step_ended', { step: 'a', item: null, runId: 'r-1:a', status: 'succeeded' }],
      ['step_started', { step: 'b', item: null, runId: 'r-1:b' }],
      ['step_ended', { step: 'b', item: null, runId: 'r-1:b', status: 'timed_out' }],
    ]);
  });
});
