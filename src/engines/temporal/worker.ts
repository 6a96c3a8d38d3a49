import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { EnvironmentError } from '../../domain/errors.js';
import type { GooseJobActivities } from './workflows.js';
import { securityOptions, type TemporalTarget } from './connection.js';

/** Built by `npm run build` (scripts/bundle-workflows.mjs): workers never bundle at start. */
export const WORKFLOW_BUNDLE_ENV = 'GOOSE_FLOW_WORKFLOW_BUNDLE';

function bundlePath(env: NodeJS.ProcessEnv): string {
  const configured = env[WORKFLOW_BUNDLE_ENV];
  const candidates = configured
    ? [configured]
    : [
        fileURLToPath(new URL('./workflow-bundle.js', import.meta.url)),
        // Run from source (tests): the built bundle of this checkout.
        fileURLToPath(
          new URL('../../../dist/engines/temporal/workflow-bundle.js', import.meta.url),
        ),
      ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new EnvironmentError(
      'workflow_bundle_missing',
      `the Temporal workflow bundle was not found (looked at ${candidates.join(', ')}); run \`npm run build\``,
    );
  }
  return found;
}

/**
 * The task queue of this host and data dir: only its workers poll it, so an attempt whose worker
 * died resumes where its goose may still run (and its files are).
 */
export function homeQueue(taskQueue: string, dataDir: string): string {
  const dir = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  return `${taskQueue}@${hostname()}:${dir}`;
}

export interface GooseWorker {
  readonly identity: string;
  /** Resolves when the worker has stopped (after `shutdown`, or on a fatal error). */
  readonly done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * What "no limit" means on a Temporal worker, which needs a number of activity slots: 1,000 recipes
 * at once (the Go SDK's default, which Goose's own service ran with).
 */
export const NO_LIMIT_SLOTS = 1_000;

/** A worker polling the task queue: the bundled GooseJobWorkflow and the recipe activity. */
let runtimeReady = false;

/** The SDK logs through a Runtime, once per process: route its warnings to ours, drop its chatter. */
function installRuntime(warn: (message: string, meta?: Record<string, unknown>) => void): void {
  if (runtimeReady) return;
  runtimeReady = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => warn(entry.message, entry.meta)),
    // goose-flow handles SIGINT/SIGTERM itself, in order: the SDK's own handlers would stop the
    // worker at once, before `serve` had cancelled its runs (their workflows could not close).
    shutdownSignals: [],
  });
}

export async function startWorker(
  target: TemporalTarget,
  activities: GooseJobActivities,
  opts: {
    /** null: no limit of goose-flow's (Temporal needs a number: NO_LIMIT_SLOTS). */
    maxConcurrent: number | null;
    identity: string;
    /** A second task queue, polled for this host's attempts only (activities, no workflows). */
    home?: string;
    env?: NodeJS.ProcessEnv;
    warn?: (message: string, meta?: Record<string, unknown>) => void;
  },
): Promise<GooseWorker> {
  installRuntime(opts.warn ?? ((m) => void process.stderr.write(`goose-flow: temporal: ${m}\n`)));
  const connection = await NativeConnection.connect({
    address: target.address,
    ...securityOptions(target, (p) => readFileSync(p)),
  });
  const common = {
    connection,
    namespace: target.namespace,
    activities,
    identity: opts.identity,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrent ?? NO_LIMIT_SLOTS,
    // Heartbeats reach the server at least every second: a kill (cancel) lands within ~1 s.
    maxHeartbeatThrottleInterval: '1s',
    defaultHeartbeatThrottleInterval: '1s',
    // On shutdown, running attempts are cancelled at once (their trees killed, TERM → grace →
    // KILL) and Temporal retries them on another worker, or on this one after a restart.
    shutdownGraceTime: '1s',
  } as const;
  const worker = await Worker.create({
    ...common,
    taskQueue: target.taskQueue,
    workflowBundle: { codePath: bundlePath(opts.env ?? process.env) },
  });
  // This host's own queue: activities only (where an attempt whose worker died resumes).
  const homeWorker = opts.home ? await Worker.create({ ...common, taskQueue: opts.home }) : null;
  const all = [worker, ...(homeWorker ? [homeWorker] : [])];
  const done = Promise.all(all.map((w) => w.run()))
    .then(() => undefined)
    .finally(() => connection.close());
  return {
    identity: opts.identity,
    done,
    shutdown: async () => {
      for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
