/**
 * The harness of the HTTP tests: each case runs on both engines, against real processes — the
 * Temporal side with a dev server of its own per describe block. A test gets a fresh sandbox, the
 * environment that selects its engine (with a task queue of its own), and `serveHttp` to start
 * `serve --port 0`; everything it started is stopped, and its Temporal schedules removed, after it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { cli, sandbox, startCli, waitFor, type CliProcess, type Sandbox } from './harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from './temporal.js';

export type EngineName = 'embedded' | 'temporal';

export interface HttpCase {
  readonly engine: EngineName;
  readonly box: Sandbox;
  /** The sandbox's environment, selecting this engine. */
  readonly env: NodeJS.ProcessEnv;
  /** Stopped (SIGTERM) after the test. */
  track(process: CliProcess): CliProcess;
  /** Starts `serve --port 0`; resolves with its `/api/v1` base URL. */
  serveHttp(extraEnv?: NodeJS.ProcessEnv): Promise<string>;
  /** The `serve` that `serveHttp` started last. */
  server(): CliProcess;
}

/** The port a starting server logged on its `http_listening` line. */
export async function listeningPort(process: CliProcess): Promise<number> {
  const line = await waitFor(
    () => {
      if (process.exitCode !== null) throw new Error(`exited: ${process.out.stderr}`);
      return process.out.stdout.split('\n').find((l) => l.includes('http_listening'));
    },
    30_000,
    'the server to listen',
  );
  return (JSON.parse(line) as { port: number }).port;
}

export function forEachEngineOverHttp(
  title: string,
  body: (current: () => HttpCase) => void,
): void {
  const bin = temporalBin();
  for (const engine of ['embedded', 'temporal'] as const) {
    const skip = engine === 'temporal' && !bin;
    describe.skipIf(skip)(
      `${title} [${engine}]${skip ? ` — skipped: ${SKIP_TEMPORAL_REASON}` : ''}`,
      () => {
        let server: TestTemporal | null = null;
        let current: HttpCase | null = null;
        let processes: CliProcess[] = [];
        beforeAll(async () => {
          if (engine === 'temporal') server = await startTestTemporal(bin!);
        }, 90_000);
        afterAll(async () => server?.stop());
        beforeEach(() => {
          const box = sandbox();
          processes = [];
          const env: NodeJS.ProcessEnv = {
            ...box.env,
            ...(server
              ? {
                  GOOSE_FLOW_ENGINE: 'temporal',
                  GOOSE_FLOW_TEMPORAL_ADDRESS: server.address,
                  GOOSE_FLOW_TEMPORAL_TASK_QUEUE: `http-${randomBytes(3).toString('hex')}`,
                }
              : {}),
          };
          let served: CliProcess | null = null;
          const track = (p: CliProcess) => {
            processes.push(p);
            return p;
          };
          current = {
            engine,
            box,
            env,
            track,
            async serveHttp(extraEnv = {}) {
              const p = track(
                startCli(['serve', '--port', '0', '--log-format', 'json'], { ...env, ...extraEnv }),
              );
              served = p;
              return `http://127.0.0.1:${await listeningPort(p)}/api/v1`;
            },
            server: () => {
              if (!served) throw new Error('serveHttp() was not called');
              return served;
            },
          };
        });
        afterEach(async () => {
          const c = current!;
          for (const p of processes)
            if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
          await Promise.all(processes.map((p) => p.closed));
          if (server) {
            // Schedules live on the shared server: remove this test's so the next starts empty.
            const on = ['--engine', 'temporal', '--temporal-address', server.address];
            const list = await cli([...on, 'schedule', 'list', '--json'], c.box.env);
            for (const s of JSON.parse(list.stdout || '[]') as { id: string }[])
              await cli([...on, 'schedule', 'remove', '--', s.id], c.box.env);
          }
          c.box.cleanup();
        }, 60_000);
        body(() => current!);
      },
    );
  }
}
