import { Command } from 'commander';
import { CountLimit } from '../../domain/limits.js';
import { appFor, collect, intFlag, printJson } from '../context.js';
import { exitCodeForRun } from '../exit-codes.js';
import { runJson } from '../render.js';
import { parseParamArgs, formatProblems } from '../../domain/recipe/index.js';
import { withRetries } from '../../domain/retry-policy.js';
import { formatDuration, parseDuration } from '../../domain/duration.js';
import { UsageError } from '../../domain/errors.js';
import { resolve } from 'node:path';
import { withHelp } from '../help.js';
import type { App } from '../../app.js';
import type { PreparedRun } from '../../services/runs.js';

interface RunFlags {
  param: string[];
  timeout?: string;
  retries?: number;
  grace?: string;
  cwd?: string;
  json?: boolean;
  detach?: boolean;
}

export function runCommand(): Command {
  const run = new Command('run')
    .description(
      'run a recipe or a pipeline now, supervised: live log, retries, timeout; exit code = outcome',
    )
    .argument('<recipe>', 'recipe or pipeline file (.yaml, .yml or .json)')
    .option('-p, --param <key=value>', 'recipe parameter (repeatable)', collect, [])
    .option('--timeout <duration>', 'per-attempt timeout, e.g. 30m, 2h (default 2h)')
    .option(
      '--retries <n>',
      'retries after the first attempt (default 2)',
      intFlag('--retries', CountLimit.retries),
    )
    .option('--grace <duration>', 'time between SIGTERM and SIGKILL when stopping (default 10s)')
    .option('--cwd <dir>', "working directory of goose (default: the data dir's work/)")
    .option('--json', 'print the settled run as JSON instead of streaming the log')
    .option('--detach', 'hand the run to the running `goose-flow serve` and return at once')
    .action(async (recipe: string, flags: RunFlags, cmd: Command) => {
      process.exitCode = await runRecipe(recipe, flags, cmd);
    });
  return withHelp(run, {
    notes:
      'Exit codes: 0 succeeded, 1 failed, 124 timed out, 130 cancelled, 2 usage error.\n' +
      'Ctrl-C cancels the run and kills its whole process tree.',
    examples: [
      'goose-flow run recipe.yaml --param pr_url=https://github.com/o/r/pull/1',
      'goose-flow run nightly.yaml --timeout 30m --retries 0',
      'goose-flow run review.yaml -p repo=. --cwd ~/src/app --json',
      'goose-flow run report.yaml --detach   # hands it to the running serve (or Temporal)',
      'goose-flow run release.pipeline.yaml -p repo=acme/app   # a pipeline: each step a run',
    ],
    env: [
      'GOOSE_FLOW_HOME',
      'GOOSE_FLOW_GOOSE_BIN',
      'GOOSE_FLOW_RUN_TIMEOUT',
      'GOOSE_FLOW_KILL_GRACE',
    ],
  });
}

async function runRecipe(recipe: string, flags: RunFlags, cmd: Command): Promise<number> {
  if (flags.timeout !== undefined && parseDuration(flags.timeout, '--timeout') <= 0) {
    throw new UsageError('--timeout must be greater than zero');
  }
  const app = await appFor(cmd, { timeout: flags.timeout, grace: flags.grace });
  try {
    const defaults = app.runs.defaultOptions();
    const options = {
      ...defaults,
      cwd: flags.cwd ? resolve(flags.cwd) : defaults.cwd,
      retryPolicy:
        flags.retries === undefined
          ? defaults.retryPolicy
          : withRetries(defaults.retryPolicy, flags.retries),
    };
    const prepared = app.runs.prepare({ recipe, params: parseParamArgs(flags.param), options });
    if (prepared.warnings.length > 0)
      process.stderr.write(formatProblems(prepared.recipeFile, prepared.warnings) + '\n');
    return await execute(app, prepared, flags);
  } finally {
    await app.close();
  }
}

/**
 * Runs a prepared run in the foreground (live output, Ctrl-C cancels, exit code = outcome) or
 * hands it off (`--detach`): what `run` and `resume` do once they know what to run.
 */
export async function execute(
  app: App,
  prepared: PreparedRun,
  flags: { json?: boolean; detach?: boolean },
): Promise<number> {
  const temporal = app.status.info.temporal;
  if (flags.detach) {
    const run = await app.runs.handOff(prepared);
    if (flags.json) printJson(runJson(run));
    else
      process.stdout.write(
        `run ${run.id} handed to ${temporal ? `Temporal (task queue ${temporal.taskQueue})` : 'the daemon'}; follow it with: goose-flow logs ${run.id} --follow\n`,
      );
    return 0;
  }
  const say = (line: string) => !flags.json && process.stderr.write(`goose-flow: ${line}\n`);
  if (temporal && (await app.status.workers()) === 0) {
    say(
      `no worker polls task queue ${temporal.taskQueue} yet: the run starts when one does (goose-flow serve --engine temporal, or goose-flow worker)`,
    );
  }
  const started = await app.runs.start(prepared, {
    onOutput: flags.json ? undefined : (chunk) => process.stdout.write(chunk),
    onEvent: (type, data) => say(describeEvent(type, data)),
  });
  const what = prepared.kind === 'pipeline' ? 'pipeline' : 'recipe';
  say(
    `run ${started.run.id} started (${what} ${prepared.recipeFile}` +
      (prepared.resume
        ? `, resuming ${prepared.resume.of} with ${prepared.resume.carried.length} step(s) carried over)`
        : ')'),
  );
  const stop = interruptHandler(app.runs, started.run.id, say);
  // On Temporal a worker runs it: follow its log (local when the worker shares this data dir).
  const following = new AbortController();
  const write = (c: { data: Buffer }) => process.stdout.write(c.data);
  const opts = { follow: true, signal: following.signal };
  const follow =
    app.engine === 'temporal' && !flags.json
      ? (prepared.kind === 'pipeline'
          ? app.logs.streamPipeline(started.run.id, opts, write, (key, id) =>
              process.stdout.write(`==> step ${key} (${id}) <==\n`),
            )
          : app.logs.stream(started.run.id, opts, write)
        ).catch(() => undefined)
      : Promise.resolve();
  const run = await started.settled.finally(stop);
  await Promise.race([follow, new Promise((r) => setTimeout(r, 1_000))]);
  following.abort();
  if (flags.json) printJson(runJson(run));
  else say(`run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
  return exitCodeForRun(run.status);
}

function describeEvent(type: string, data: Record<string, unknown>): string {
  // A pipeline's steps report as `[step] attempt 1 started …`.
  return typeof data.step === 'string'
    ? `[${data.step}] ${describeAttemptEvent(type, data)}`
    : describeAttemptEvent(type, data);
}

function describeAttemptEvent(type: string, data: Record<string, unknown>): string {
  const attempt = `attempt ${String(data.attempt)}`;
  const exit =
    typeof data.exitCode === 'number'
      ? ` (exit code ${data.exitCode})`
      : data.signal
        ? ` (${String(data.signal)})`
        : '';
  switch (type) {
    case 'attempt_started':
      return `${attempt} started (pid ${String(data.pid)}, log ${String(data.logPath)})`;
    case 'attempt_succeeded':
      return `${attempt} succeeded`;
    case 'attempt_failed':
      return `${attempt} failed${exit}`;
    case 'attempt_timed_out':
      return `${attempt} timed out; its process tree was stopped`;
    case 'attempt_cancelled':
      return `${attempt} stopped on request${exit}`;
    case 'retry_scheduled':
      return `retrying in ${formatDuration(Number(data.delayMs))}`;
    default:
      return `${attempt}: ${type.replace(/_/g, ' ')}`;
  }
}

/** Ctrl-C, SIGTERM and SIGHUP cancel the run: its whole process tree is stopped, then we exit. */
function interruptHandler(
  runs: { kill(id: string, reason: string): Promise<unknown> },
  runId: string,
  say: (line: string) => void,
): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: cancelling run ${runId} (stopping its process tree)`);
    void runs.kill(runId, `interrupted by ${signal}`).catch(() => undefined);
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
