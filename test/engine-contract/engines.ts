/**
 * The conformance suite's harness: each case is written once and run against both engines —
 * embedded (SQLite + an in-process scheduler) and temporal (a real `temporal server start-dev` of
 * this file, an in-process worker on a task queue of the test's own). Everything goes through the
 * services (`App`), as the CLI and the HTTP API do.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { defaultDraft, type ScheduleDraft } from '../../src/domain/schedule/transfer-draft.js';
import type { Run } from '../../src/domain/run.js';
import { sandbox, waitFor, type Sandbox } from '../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../support/temporal.js';

export type EngineName = 'embedded' | 'temporal';

export interface EngineUnderTest {
  readonly name: EngineName;
  readonly box: Sandbox;
  readonly app: App;
  /** Starts what fires schedules and runs runs: the embedded scheduler, or a Temporal worker. */
  serve(options?: { maxConcurrent?: number }): Promise<void>;
  /** Closes the app (stopping its scheduler or worker) and opens it again on the same state. */
  restart(): Promise<App>;
  draft(
    id: string,
    expression: string,
    recipe: string,
    more?: Partial<ScheduleDraft>,
  ): ScheduleDraft;
  /** Runs of a schedule (newest first). */
  runsOf(scheduleId: string): Promise<Run[]>;
  /** Runs a recipe ad hoc and waits for it to settle. */
  runToEnd(recipe: string, options?: { retries?: number; timeoutMs?: number }): Promise<Run>;
}

const CONFIG = 'run:\n  heartbeat: 1s\n  kill_grace: 2s\n';

/** Cases one engine cannot support are skipped with the reason next to them (and in docs/engines.md). */
export function forEachEngine(title: string, body: (engine: () => EngineUnderTest) => void): void {
  for (const name of ['embedded', 'temporal'] as const) {
    const bin = name === 'temporal' ? temporalBin() : null;
    const skip = name === 'temporal' && !bin;
    describe.skipIf(skip)(
      `${title} [${name}]${skip ? ` — skipped: ${SKIP_TEMPORAL_REASON}` : ''}`,
      () => {
        let server: TestTemporal | null = null;
        let current: EngineUnderTest | null = null;
        beforeAll(async () => {
          if (name === 'temporal') server = await startTestTemporal(bin!);
        }, 90_000);
        afterAll(async () => {
          await server?.stop();
        });
        beforeEach(async () => {
          current = await open(name, server);
        });
        afterEach(async () => {
          const engine = current!;
          current = null;
          if (name === 'temporal') {
            // Schedules outlive the app on the server: remove them so they stop firing.
            for (const s of await engine.app.schedules.list().catch(() => []))
              await engine.app.schedules.remove(s.id).catch(() => undefined);
          }
          await engine.app.close();
          engine.box.cleanup();
        }, 60_000);
        body(() => current!);
      },
    );
  }
}

async function open(name: EngineName, server: TestTemporal | null): Promise<EngineUnderTest> {
  const box = sandbox();
  mkdirSync(box.dataDir, { recursive: true });
  writeFileSync(join(box.dataDir, 'config.yaml'), CONFIG);
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...box.env,
    GOOSE_FLOW_ENGINE: name,
    ...(server
      ? { GOOSE_FLOW_TEMPORAL_ADDRESS: server.address, GOOSE_FLOW_TEMPORAL_TASK_QUEUE: taskQueue }
      : {}),
  };
  const openOne = () =>
    openApp(resolveConfig({ dataDir: box.dataDir }, env), env, {
      warn: () => undefined,
      // As `serve` and `worker` open it (the Temporal side has its address: no dev server).
      serving: name === 'embedded' ? 'serve' : 'worker',
    });
  let app = await openOne();
  let serving: { maxConcurrent?: number } | null = null;
  const serve = async (options: { maxConcurrent?: number } = {}) => {
    serving = options;
    await app.serve({ maxConcurrent: options.maxConcurrent ?? 8, log: () => undefined });
  };
  const engine: EngineUnderTest = {
    name,
    box,
    get app() {
      return app;
    },
    serve,
    async restart() {
      await app.close();
      app = await openOne();
      if (serving) await serve(serving);
      return app;
    },
    draft(id, expression, recipe, more = {}) {
      return { ...defaultDraft(id, expression, recipe), timezone: 'UTC', ...more };
    },
    runsOf(scheduleId) {
      return app.runs.list({ scheduleId, limit: 100 });
    },
    async runToEnd(recipe, options = {}) {
      const defaults = app.runs.defaultOptions();
      const prepared = app.runs.prepare({
        recipe,
        params: {},
        options: {
          ...defaults,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          retryPolicy:
            options.retries === undefined
              ? { ...defaults.retryPolicy, initialIntervalMs: 200 }
              : {
                  ...defaults.retryPolicy,
                  initialIntervalMs: 200,
                  maxAttempts: options.retries + 1,
                },
        },
      });
      const started = await app.runs.start(prepared);
      return started.settled;
    },
  };
  return engine;
}

/** Waits until `probe` holds, polling; the engines differ in latency, not in outcome. */
export function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return waitFor(probe, timeoutMs, what);
}
