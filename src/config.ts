import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  checkCount,
  CountLimit,
  DurationLimit,
  parseDurationIn,
  type Range,
} from './domain/limits.js';
import { UsageError } from './domain/errors.js';
import { DEFAULT_RETRY_POLICY, withRetries } from './domain/retry-policy.js';
import { defaultDataDir, layout } from './adapters/data-dir.js';
import { chooseEngine } from './adapters/engine-binding.js';
import { parseAllowedHosts, parseCorsOrigins } from './domain/origins.js';

export {
  ENGINES,
  OrphanPolicy,
  type Config,
  type EngineKind,
  type TemporalConfig,
} from './domain/config.js';
import { ENGINES, type Config, type EngineKind, type TemporalConfig } from './domain/config.js';

export interface ConfigOverrides {
  readonly dataDir?: string | undefined;
  readonly timeout?: string | undefined;
  readonly retries?: number | undefined;
  readonly grace?: string | undefined;
  readonly engine?: string | undefined;
  readonly temporalAddress?: string | undefined;
  readonly namespace?: string | undefined;
  readonly taskQueue?: string | undefined;
  readonly temporalPort?: number | undefined;
  readonly temporalUiPort?: number | undefined;
  readonly sqlitePragmas?: readonly string[] | undefined;
  readonly tlsCa?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tlsServerName?: string | undefined;
  readonly apiKey?: string | undefined;
}

const FileSchema = z
  .object({
    run: z
      .object({
        timeout: z.string().optional(),
        kill_grace: z.string().optional(),
        heartbeat: z.string().optional(),
        retries: z.number().int().min(0).max(100).optional(),
        log_cap_bytes: z.number().int().min(1024).optional(),
      })
      .strict()
      .optional(),
    orphans: z.enum(['adopt', 'kill']).optional(),
    engine: z.enum(ENGINES).optional(),
    temporal: z
      .object({
        address: z.string().optional(),
        namespace: z.string().optional(),
        task_queue: z.string().optional(),
        port: z.number().int().min(1).max(65535).optional(),
        ui_port: z.number().int().min(1).max(65535).optional(),
        sqlite_pragmas: z.array(z.string()).optional(),
        tls: z
          .object({
            ca: z.string().optional(),
            cert: z.string().optional(),
            key: z.string().optional(),
            server_name: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    templates: z
      .object({ dir: z.string().min(1).optional() })
      .strict()
      .optional(),
    retention: z
      .object({
        max_age: z.string().optional(),
        max_runs_per_schedule: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
type FileConfig = z.infer<typeof FileSchema>;

function readConfigFile(path: string): FileConfig {
  if (!existsSync(path)) return {};
  const parsed = FileSchema.safeParse(parse(readFileSync(path, 'utf8')) ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(
    `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid configuration'}`,
    { file: path },
  );
}

function pick<T>(...values: (T | undefined)[]): T | undefined {
  return values.reduce<T | undefined>((acc, v) => (v === undefined ? acc : v), undefined);
}

export function resolveConfig(overrides: ConfigOverrides = {}, env = process.env): Config {
  const dataDir = overrides.dataDir ?? defaultDataDir(env);
  const file = readConfigFile(layout(dataDir).config);
  const dur = (text: string | undefined, field: string, range: Range) =>
    text === undefined ? undefined : parseDurationIn(text, field, range);
  const timeoutMs = pick(
    7_200_000,
    dur(file.run?.timeout, 'run.timeout in config.yaml', DurationLimit.timeout),
    dur(env.GOOSE_FLOW_RUN_TIMEOUT, 'GOOSE_FLOW_RUN_TIMEOUT', DurationLimit.timeout),
    dur(overrides.timeout, '--timeout', DurationLimit.timeout),
  )!;
  const graceMs = pick(
    10_000,
    dur(file.run?.kill_grace, 'run.kill_grace in config.yaml', DurationLimit.grace),
    dur(env.GOOSE_FLOW_KILL_GRACE, 'GOOSE_FLOW_KILL_GRACE', DurationLimit.grace),
    dur(overrides.grace, '--grace', DurationLimit.grace),
  )!;
  const retries = pick(file.run?.retries, overrides.retries);
  const orphans = pick<string>(file.orphans, env.GOOSE_FLOW_ORPHANS) ?? 'adopt';
  if (orphans !== 'adopt' && orphans !== 'kill') {
    throw new UsageError(`GOOSE_FLOW_ORPHANS must be one of: adopt, kill (got '${orphans}')`);
  }
  return Object.freeze({
    dataDir,
    run: Object.freeze({
      timeoutMs,
      graceMs,
      heartbeatMs: pick(
        5_000,
        dur(file.run?.heartbeat, 'run.heartbeat in config.yaml', DurationLimit.heartbeat),
      )!,
      logCapBytes: file.run?.log_cap_bytes ?? 50 * 1024 * 1024,
      retryPolicy:
        retries === undefined ? DEFAULT_RETRY_POLICY : withRetries(DEFAULT_RETRY_POLICY, retries),
    }),
    orphans,
    retention: Object.freeze(retentionOf(file)),
    templatesDir: templatesDirOf(dataDir, file, env),
    ...engineChoice(dataDir, file, env, overrides),
    temporal: Object.freeze(temporalOf(file, env, overrides)),
    http: Object.freeze({
      token: env.GOOSE_FLOW_TOKEN || null,
      jobsKey: env.GOOSE_FLOW_JOBS_KEY || null,
      corsOrigins: parseCorsOrigins(
        env.GOOSE_FLOW_CORS_ORIGINS ? [env.GOOSE_FLOW_CORS_ORIGINS] : [],
        'GOOSE_FLOW_CORS_ORIGINS',
      ),
      allowedHosts: parseAllowedHosts(
        (env.GOOSE_FLOW_ALLOWED_HOSTS ?? '').split(','),
        'GOOSE_FLOW_ALLOWED_HOSTS',
      ),
    }),
  });
}

function engineChoice(
  dataDir: string,
  file: FileConfig,
  env: NodeJS.ProcessEnv,
  overrides: ConfigOverrides,
): { engine: EngineKind; recordEngine: boolean } {
  const requested =
    overrides.engine !== undefined
      ? { engine: engineOf(overrides.engine, '--engine'), by: `--engine ${overrides.engine}` }
      : env.GOOSE_FLOW_ENGINE
        ? {
            engine: engineOf(env.GOOSE_FLOW_ENGINE, 'GOOSE_FLOW_ENGINE'),
            by: `GOOSE_FLOW_ENGINE=${env.GOOSE_FLOW_ENGINE}`,
          }
        : undefined;
  const choice = chooseEngine(dataDir, file.engine, requested, layout(dataDir).config);
  return { engine: choice.engine, recordEngine: choice.record };
}

function engineOf(value: string, field: string): EngineKind {
  if (!(ENGINES as readonly string[]).includes(value)) {
    throw new UsageError(`${field} must be one of: ${ENGINES.join(', ')} (got '${value}')`, {
      field,
      value,
    });
  }
  return value as EngineKind;
}

function temporalOf(file: FileConfig, env: NodeJS.ProcessEnv, o: ConfigOverrides): TemporalConfig {
  const t = file.temporal ?? {};
  const tls = {
    ...optional('caFile', pick(t.tls?.ca, o.tlsCa)),
    ...optional('certFile', pick(t.tls?.cert, o.tlsCert)),
    ...optional('keyFile', pick(t.tls?.key, o.tlsKey)),
    ...optional('serverName', pick(t.tls?.server_name, o.tlsServerName)),
  };
  if ('certFile' in tls !== 'keyFile' in tls) {
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  }
  return {
    address: pick(t.address, env.GOOSE_FLOW_TEMPORAL_ADDRESS, o.temporalAddress) ?? null,
    namespace: pick('default', t.namespace, env.GOOSE_FLOW_TEMPORAL_NAMESPACE, o.namespace)!,
    taskQueue: pick('goose-flow', t.task_queue, env.GOOSE_FLOW_TEMPORAL_TASK_QUEUE, o.taskQueue)!,
    devServerPort: pick(t.port, o.temporalPort) ?? null,
    uiPort:
      pick(
        t.ui_port,
        env.GOOSE_FLOW_TEMPORAL_UI_PORT === undefined || env.GOOSE_FLOW_TEMPORAL_UI_PORT === ''
          ? undefined
          : checkCount(Number(env.GOOSE_FLOW_TEMPORAL_UI_PORT), 'GOOSE_FLOW_TEMPORAL_UI_PORT', {
              min: 1,
              max: 65_535,
            }),
        o.temporalUiPort,
      ) ?? null,
    sqlitePragmas: pick(t.sqlite_pragmas, o.sqlitePragmas) ?? [],
    tls: Object.keys(tls).length > 0 ? tls : null,
    apiKey: pick(env.GOOSE_FLOW_TEMPORAL_API_KEY, o.apiKey) ?? null,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: string });
}

/** The user's templates: the variable (against the working dir), the file (against the data dir). */
function templatesDirOf(dataDir: string, file: FileConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.GOOSE_FLOW_TEMPLATES_DIR;
  if (fromEnv) return resolve(fromEnv);
  return resolve(dataDir, file.templates?.dir ?? 'templates');
}

/** Default: 30 days, 500 ended runs per schedule; 0 turns a limit off. */
function retentionOf(file: FileConfig): Config['retention'] {
  const age =
    file.retention?.max_age === undefined
      ? 30 * 86_400_000
      : parseDurationIn(
          file.retention.max_age,
          'retention.max_age in config.yaml',
          DurationLimit.retention,
        );
  const count = file.retention?.max_runs_per_schedule ?? 500;
  return { maxAgeMs: age === 0 ? null : age, maxRunsPerSchedule: count === 0 ? null : count };
}

/**
 * How many recipes `serve`, `worker` and `temporal-service` run at once: null (the default) is no
 * limit, as Goose's own service ran every `run_now` at once (each schedule's overlap policy bounds
 * its own runs); `GOOSE_FLOW_MAX_CONCURRENT` or `--max-concurrent` sets one, and runs beyond it
 * wait, pending.
 */
export function defaultMaxConcurrent(env: NodeJS.ProcessEnv = process.env): number | null {
  const text = env.GOOSE_FLOW_MAX_CONCURRENT;
  if (text === undefined || text.trim() === '') return null;
  return checkCount(Number(text), 'GOOSE_FLOW_MAX_CONCURRENT', CountLimit.maxConcurrent);
}
