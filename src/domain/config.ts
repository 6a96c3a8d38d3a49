/**
 * goose-flow's settings as a value: what `resolveConfig` (src/config.ts) builds from defaults, the
 * data dir's config file, the environment and flags. Pure data, so every layer may read it.
 */
import type { RetryPolicy } from './retry-policy.js';

export const OrphanPolicy = { adopt: 'adopt', kill: 'kill' } as const;
export type OrphanPolicy = (typeof OrphanPolicy)[keyof typeof OrphanPolicy];

/** Resolved once — defaults < config file < env < flags — then frozen. Durations in ms. */
export interface Config {
  readonly dataDir: string;
  readonly run: {
    readonly timeoutMs: number;
    readonly graceMs: number;
    readonly heartbeatMs: number;
    readonly logCapBytes: number;
    readonly retryPolicy: RetryPolicy;
  };
  /** What to do with a live attempt whose goose-flow died: watch it, or kill it and retry. */
  readonly orphans: OrphanPolicy;
  /** What the history scanner keeps (null = no limit). */
  readonly retention: {
    readonly maxAgeMs: number | null;
    readonly maxRunsPerSchedule: number | null;
  };
  /** The user's workflow templates (`GOOSE_FLOW_TEMPLATES_DIR`, default `<data dir>/templates`). */
  readonly templatesDir: string;
  /** The data dir's engine (recorded in its config.yaml once chosen). */
  readonly engine: EngineKind;
  /** The engine was chosen just now: openApp records it in the data dir's config.yaml. */
  readonly recordEngine: boolean;
  readonly temporal: TemporalConfig;
  /** Secrets of the HTTP faces, from goose-flow's own variables only; never logged. */
  readonly http: {
    /** `GOOSE_FLOW_TOKEN`: bearer token for `/api` and `/metrics` (required off loopback). */
    readonly token: string | null;
    /**
     * `GOOSE_FLOW_JOBS_KEY`: opt-in key for Goose's `/jobs` (`X-Secret-Key`). Never
     * `TEMPORAL_SECRET_KEY`: Goose's environment may carry that, and Goose's client sends no key.
     */
    readonly jobsKey: string | null;
    /** `GOOSE_FLOW_CORS_ORIGINS` (serve's `--cors-origin` adds to them). */
    readonly corsOrigins: readonly string[];
    /** `GOOSE_FLOW_ALLOWED_HOSTS` (serve's `--allowed-host` adds to them). */
    readonly allowedHosts: readonly string[];
  };
}

export const ENGINES = ['embedded', 'temporal'] as const;
export type EngineKind = (typeof ENGINES)[number];

export interface TemporalConfig {
  /** host:port of a Temporal frontend; null: the dev server a local `serve` started (or starts). */
  readonly address: string | null;
  readonly namespace: string;
  readonly taskQueue: string;
  /** gRPC port for a dev server goose-flow starts; null: a free one. */
  readonly devServerPort: number | null;
  /**
   * The Temporal web UI's port: where the dev server goose-flow starts serves it (null: a free
   * one); with a cluster, what `/ports` reports (null: 0, unknown).
   */
  readonly uiPort: number | null;
  readonly sqlitePragmas: readonly string[];
  readonly tls: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly serverName?: string;
  } | null;
  /** Never logged. */
  readonly apiKey: string | null;
}
