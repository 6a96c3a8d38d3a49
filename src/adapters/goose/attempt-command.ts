import type { Run } from '../../domain/run.js';
import { gooseRunArgs, resolveGooseBinary } from './goose-cli.js';

/**
 * goose-flow's own secrets, which the agent must never see: a prompt-injected goose that read
 * them could drive the scheduler (or Temporal) with them.
 */
export const SECRET_VARIABLES = [
  'GOOSE_FLOW_TOKEN',
  'GOOSE_FLOW_JOBS_KEY',
  'GOOSE_FLOW_TEMPORAL_API_KEY',
] as const;

export function childEnv(env: NodeJS.ProcessEnv, jobId: string, runId: string, attempt: number) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !(SECRET_VARIABLES as readonly string[]).includes(k)) out[k] = v;
  Object.assign(out, {
    GOOSE_JOB_ID: jobId,
    GOOSE_FLOW_RUN_ID: runId,
    GOOSE_FLOW_ATTEMPT: String(attempt),
  });
  return out;
}

/** One attempt's goose command, as every engine runs it (never through a shell). */
export function gooseAttempt(
  env: NodeJS.ProcessEnv,
  run: Pick<Run, 'id' | 'scheduleId' | 'params'>,
  attempt: number,
  recipeFile: string,
  cwd: string,
): { command: string; args: string[]; env: Record<string, string>; cwd: string } {
  const { command, args } = gooseRunArgs({
    bin: resolveGooseBinary(env),
    recipeFile,
    sessionName: `${run.id}-a${attempt}`,
    scheduleId: run.scheduleId,
    params: run.params,
  });
  return { command, args, env: childEnv(env, run.scheduleId ?? run.id, run.id, attempt), cwd };
}
