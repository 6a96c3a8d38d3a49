import { request as httpRequest } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = join(repoRoot, 'dist/cli/main.js');
export const standinPath = join(repoRoot, 'test/goose-standin/goose');
export const fixturesDir = resolve(repoRoot, '../shared/fixtures/goose-recipes');

/** A fresh data dir and scratch folder per test; `cleanup` removes both. */
export interface Sandbox {
  readonly root: string;
  readonly dataDir: string;
  readonly pidfile: string;
  readonly env: NodeJS.ProcessEnv;
  recipe(name: string, directives?: Record<string, string | number>, extra?: string): string;
  cleanup(): void;
}

/** `cli: false`: nothing of it runs the built CLI (in-process tests), so dist/ need not exist. */
export function sandbox(options: { cli?: boolean } = {}): Sandbox {
  if (options.cli !== false && !existsSync(cliPath))
    throw new Error(`${cliPath} is missing: run 'npm run build' before the integration tests`);
  const root = mkdtempSync(join(tmpdir(), 'goose-flow-test-'));
  const dataDir = join(root, 'data');
  const pidfile = join(root, 'pids.txt');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOOSE_FLOW_HOME: dataDir,
    GOOSE_FLOW_GOOSE_BIN: standinPath,
    STANDIN_PIDFILE: pidfile,
  };
  for (const key of Object.keys(env))
    if (key.startsWith('STANDIN_') && key !== 'STANDIN_PIDFILE') delete env[key];
  return {
    root,
    dataDir,
    pidfile,
    env,
    recipe(name, directives = {}, extra = '') {
      const line = Object.entries(directives)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const file = join(root, name);
      writeFileSync(
        file,
        `# goose-standin: ${line}\nversion: "1.0.0"\ntitle: ${name}\ndescription: test recipe\nprompt: do the thing\n${extra}`,
      );
      return file;
    },
    cleanup() {
      const leaked = livePids(readPids(pidfile));
      for (const pid of leaked) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(root, { recursive: true, force: true });
      if (leaked.length) throw new Error(`test leaked processes: ${leaked.join(', ')}`);
    },
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = startCli(args, env, opts);
  return finished(child, opts.timeoutMs ?? 60_000);
}

export type CliProcess = ChildProcess & {
  out: { stdout: string; stderr: string };
  closed: Promise<number | null>;
};

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string } = {},
): CliProcess {
  return startScript(cliPath, args, env, opts);
}

/** A Node script of this checkout (the CLI, `temporal-service`…), its output collected. */
export function startScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    cwd: opts.cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  // Listen from the start: a process may close before anyone awaits it.
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return Object.assign(child, { out, closed });
}

export function finished(child: CliProcess, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `goose-flow did not finish in ${timeoutMs} ms\nstdout: ${child.out.stdout}\nstderr: ${child.out.stderr}`,
        ),
      );
    }, timeoutMs);
    void child.closed.then((code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: child.out.stdout, stderr: child.out.stderr });
    });
  });
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Where a list of pids came from: a pid is reused quickly (pid_max may be 32768). */
const FROM = new WeakMap<number[], string>();

export function readPids(pidfile: string): number[] {
  const pids = existsSync(pidfile)
    ? readFileSync(pidfile, 'utf8').split('\n').filter(Boolean).map(Number)
    : [];
  FROM.set(pids, pidfile);
  return pids;
}

/**
 * Pids that still name a live process (a zombie is dead: it only waits to be reaped). For pids
 * read from a stand-in's pid file, only processes of that stand-in count: their environment
 * names the file. Another process that got the pid since is not ours (and is never killed).
 */
export function livePids(pids: number[]): number[] {
  const pidfile = FROM.get(pids);
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return false;
      if (pidfile === undefined) return true;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      return env.includes(`STANDIN_PIDFILE=${pidfile}`);
    } catch {
      return false;
    }
  });
}

export function json<T = unknown>(text: string): T {
  return JSON.parse(text) as T;
}

/**
 * POSTs a body and resolves with the status and body as soon as the server answers — even when
 * it answers before reading the whole body (413) and closes the connection under the upload.
 */
export function postEarly(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...headers,
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may close the connection while the body is still being written.
    req.on('error', (err) => (req.headersSent ? undefined : reject(err)));
    req.end(body);
  });
}
