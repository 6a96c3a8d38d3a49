/**
 * What every `--help` ends with: examples a user can type, and the environment variables the
 * command reads. One table of variables, so every command describes each the same way.
 */
import type { Command } from 'commander';

export const ENVIRONMENT: Readonly<Record<string, string>> = {
  GOOSE_FLOW_HOME: 'data dir of runs and schedules (default ~/.local/share/goose-flow)',
  GOOSE_FLOW_ENGINE: 'embedded | temporal, for a data dir with none recorded yet',
  GOOSE_FLOW_GOOSE_BIN: 'the goose executable (default: goose on PATH)',
  GOOSE_FLOW_RUN_TIMEOUT: 'default per-attempt timeout (e.g. 30m; 100ms to 365d)',
  GOOSE_FLOW_KILL_GRACE: 'time between SIGTERM and SIGKILL (e.g. 10s; 0s to 1h)',
  GOOSE_FLOW_TEMPLATES_DIR: 'your workflow templates (default <data dir>/templates)',
  GOOSE_FLOW_ORPHANS: 'adopt | kill: what to do with a live attempt of a dead goose-flow',
  GOOSE_FLOW_MAX_CONCURRENT: 'run at most this many recipes at once (default: no limit)',
  GOOSE_FLOW_TOKEN: 'bearer token for /api and /metrics (needed to bind off loopback)',
  GOOSE_FLOW_JOBS_KEY: "opt-in X-Secret-Key for Goose's /jobs (Goose's client sends none)",
  GOOSE_FLOW_ALLOWED_HOSTS:
    'host names served besides localhost on a loopback bind, comma-separated',
  GOOSE_FLOW_CORS_ORIGINS: 'browser origins allowed to call /api, comma-separated',
  PORT: "temporal-service's HTTP port (Goose sets it)",
  GOOSE_FLOW_TEMPORAL_ADDRESS: 'Temporal frontend host:port (default: the dev server serve starts)',
  GOOSE_FLOW_TEMPORAL_NAMESPACE: 'Temporal namespace (default: default)',
  GOOSE_FLOW_TEMPORAL_TASK_QUEUE: 'Temporal task queue (default: goose-flow)',
  GOOSE_FLOW_TEMPORAL_API_KEY: 'Temporal Cloud API key (never logged)',
  GOOSE_FLOW_TEMPORAL_BIN: 'the temporal CLI for the dev server (default: temporal on PATH)',
  GOOSE_FLOW_TEMPORAL_UI_PORT: "the Temporal web UI's port (/ports reports it to Goose)",
  GOOSE_FLOW_DEBUG: '1: print stack traces of unexpected errors',
};

export type EnvName = keyof typeof ENVIRONMENT;

/** Appends `Examples:` and `Environment:` to a command's help. */
export function withHelp(
  cmd: Command,
  help: { examples: readonly string[]; env?: readonly EnvName[]; notes?: string },
): Command {
  const env = help.env ?? ['GOOSE_FLOW_HOME'];
  const width = Math.max(...env.map((e) => e.length));
  const text = [
    help.notes ? `\n${help.notes}` : '',
    '\nExamples:',
    ...help.examples.map((e) => `  ${e}`),
    '\nEnvironment:',
    ...env.map((e) => `  ${e.padEnd(width)}  ${ENVIRONMENT[e]}`),
    "  (all of them, the Temporal engine's too: goose-flow --help)",
  ]
    .filter((l) => l !== '')
    .join('\n');
  return cmd.addHelpText('after', text);
}

/** The whole table, for `goose-flow --help`. */
export function environmentHelp(): string {
  const width = Math.max(...Object.keys(ENVIRONMENT).map((e) => e.length));
  return Object.entries(ENVIRONMENT)
    .map(([name, what]) => `  ${name.padEnd(width)}  ${what}`)
    .join('\n');
}
