/**
 * The embedded pipeline driver against a real store, with step runs the test settles itself: how
 * it waits (no busy loop past a deadline), how a deadline that passes after every step ended is
 * read, and how a stop cancels running steps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/run-store.js';
import { compilePipeline } from '../../src/domain/pipeline/compile.js';
import type { CompiledPipeline, StepRecipe } from '../../src/domain/pipeline/model.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import { EventType, type Run } from '../../src/domain/run.js';
import { PipelineDriver } from '../../src/engines/embedded/pipeline-driver.js';
import type { Clock, NewRun } from '../../src/engines/ports.js';

const NONE: StepRecipe = {
  file: 'none.yaml',
  kind: 'recipe',
  output: 'text',
  outputType: { type: 'string' },
  subRecipes: [],
  parameters: [],
  pipeline: null,
};

function compiled(doc: unknown): CompiledPipeline {
  const out = compilePipeline({
    file: '/p/p.yaml',
    relFile: 'p.yaml',
    document: doc,
    locate: () => undefined,
    stepRecipe: () => NONE,
  });
  expect(out.problems).toEqual([]);
  return out.pipeline!;
}

let dir: string;
let db: Db;
let store: SqliteRunStore;
const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      sleeps.push(ms);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      });
    }),
};
let sleeps: number[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-driver-'));
  db = openDatabase(join(dir, 'goose-flow.db'));
  store = new SqliteRunStore(db, clock);
  sleeps = [];
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A driver whose step runs end when the test says (`end`), or on their own (`auto`). */
function harness(pipeline: CompiledPipeline, auto: Record<string, 'succeeded' | 'failed'> = {}) {
  const waiters = new Map<string, (run: Run) => void>();
  const started: string[] = [];
  const cancels = { inFlight: 0, most: 0 };
  const end = (id: string, status: 'succeeded' | 'failed' | 'cancelled') => {
    const run = store.transition(id, status, {}, { type: EventType.completed, data: { status } });
    waiters.get(id)?.(run);
  };
  const driver = new PipelineDriver({
    store,
    clock,
    pipelineOf: () => pipeline,
    stepSource: () => ({ recipePath: '/p/none.yaml', recipeHash: 'h2', recipeEntry: '/e' }),
    outputOf: () => ({ ok: true, value: 'out' }),
    startStep: (run: Omit<NewRun, 'owner'>) => {
      store.createRun({ ...run, owner: null });
      store.transition(run.id, 'running', { startedAt: clock.now() }, { type: EventType.claimed });
      started.push(run.parent!.step);
      const settled = new Promise<Run>((resolve) => waiters.set(run.id, resolve));
      const status = auto[run.parent!.step];
      if (status) setImmediate(() => end(run.id, status));
      return settled;
    },
    waitRun: (id) => new Promise((resolve) => waiters.set(id, resolve)),
    cancelRun: async (id) => {
      cancels.inFlight++;
      cancels.most = Math.max(cancels.most, cancels.inFlight);
      // Each step takes its grace to stop.
      await new Promise((resolve) => setTimeout(resolve, 100));
      cancels.inFlight--;
      end(id, 'cancelled');
    },
  });
  const run = store.createRun({
    id: 'p',
    kind: 'pipeline',
    trigger: 'manual',
    scheduleId: null,
    recipePath: '/p/p.yaml',
    recipeHash: 'h1',
    recipeEntry: '/e/p.yaml',
    params: {},
    options: {
      timeoutMs: 60_000,
      graceMs: 100,
      retryPolicy: DEFAULT_RETRY_POLICY,
      cwd: dir,
      logCapBytes: 1 << 20,
    },
    owner: null,
  });
  return { driver, run, started, end, cancels };
}

describe('pipeline driver', () => {
  it('past its deadline, a pipeline waiting for a handler polls; it does not spin', async () => {
    const h = harness(
      compiled({
        timeout: '100ms',
        steps: [{ id: 'a', recipe: 'none.yaml' }],
        handlers: [{ id: 'bye', recipe: 'none.yaml' }],
        on_exit: 'bye',
      }),
    );
    const settled = h.driver.drive(h.run.id);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The deadline cut `a` about 400 ms ago; `bye` runs on, and the driver waits for it.
    expect(h.started).toEqual(['a', 'bye']);
    expect(sleeps.filter((ms) => ms === 0)).toEqual([]);
    expect(sleeps.length).toBeLessThan(10);
    h.end('p:bye', 'succeeded');
    expect((await settled).status).toBe('timed_out');
  });

  it('a deadline that passes while a hook runs does not time out steps that had ended', async () => {
    const h = harness(
      compiled({
        timeout: '100ms',
        steps: [{ id: 'a', recipe: 'none.yaml' }],
        handlers: [
          { id: 'celebrate', recipe: 'none.yaml' },
          { id: 'alert', recipe: 'none.yaml' },
        ],
        on_success: 'celebrate',
        on_failure: 'alert',
      }),
      { a: 'succeeded', alert: 'succeeded' },
    );
    const settled = h.driver.drive(h.run.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.end('p:celebrate', 'succeeded');
    const run = await settled;
    expect(run.status).toBe('succeeded');
    expect(h.started).toEqual(['a', 'celebrate']);
  });

  it('a deadline that cuts a running step times the pipeline out and calls on_failure', async () => {
    const h = harness(
      compiled({
        timeout: '100ms',
        steps: [{ id: 'a', recipe: 'none.yaml' }],
        handlers: [{ id: 'alert', recipe: 'none.yaml' }],
        on_failure: 'alert',
      }),
      { alert: 'succeeded' },
    );
    const run = await h.driver.drive(h.run.id);
    expect(run.status).toBe('timed_out');
    expect(h.started).toEqual(['a', 'alert']);
  });

  it('a stop cancels the running steps together, not one grace after another', async () => {
    const h = harness(
      compiled({
        steps: [{ id: 'a', recipe: 'none.yaml', for_each: [1, 2, 3, 4], max_parallel: 4 }],
      }),
    );
    const settled = h.driver.drive(h.run.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.started).toEqual(['a', 'a', 'a', 'a']);
    store.requestCancel(h.run.id, 'test');
    h.driver.interrupt(h.run.id);
    const run = await settled;
    expect(run.status).toBe('cancelled');
    expect(h.cancels.most).toBe(4);
  });
});
