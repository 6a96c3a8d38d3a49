// What the chaos scripts share: options, a seeded random, a scratch data dir with the goose
// stand-in, the built CLI as a child, `serve` started and waited for, and read-only store queries.
/* global process, setTimeout, clearTimeout */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'dist/cli/main.js');
const standin = join(root, 'test/goose-standin/goose');

export function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
export const flag = (name) => process.argv.includes(`--${name}`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a seeded random, so a failing run can be replayed with --seed. */
export function seeded(start) {
  let seed = start;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { random, between: (a, b) => a + Math.floor(random() * (b - a)) };
}

/** A scratch folder with a data dir, and the environment that runs the stand-in as goose there. */
export function workspace(prefix) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(work, 'data');
  const pidfile = join(work, 'pids.txt');
  const invocations = join(work, 'invocations.jsonl');
  const env = {
    ...process.env,
    GOOSE_FLOW_HOME: dataDir,
    GOOSE_FLOW_GOOSE_BIN: standin,
    STANDIN_PIDFILE: pidfile,
    STANDIN_RECORD: invocations,
    GOOSE_FLOW_KILL_GRACE: '500ms',
  };
  for (const key of Object.keys(env))
    if (key.startsWith('STANDIN_') && !['STANDIN_PIDFILE', 'STANDIN_RECORD'].includes(key))
      delete env[key];
  return { work, dataDir, pidfile, invocations, env };
}

/** The built CLI as a child: its exit code and output (killed after `timeoutMs`). */
export function run(env, args, opts = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, out, err });
    });
  });
}

/** `serve`, its output kept in `serve-<index>.log`; `started` resolves once it serves. */
export function startServe({ work, env }, index) {
  const log = join(work, `serve-${index}.log`);
  const child = spawn(process.execPath, [cli, 'serve', '--log-format', 'json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise((r) => child.on('close', () => r(writeFileSync(log, out))));
  const started = (async () => {
    const until = Date.now() + 30_000;
    while (!out.includes('serve_started')) {
      if (child.exitCode !== null || Date.now() > until)
        throw new Error(`serve ${index} did not start: ${out.slice(-800)}`);
      await sleep(25);
    }
  })();
  return { child, closed, started, output: () => out };
}

/** A read-only query of the store (another process may hold it: wait for it). */
export function query(dataDir, sql, ...args) {
  const d = new Database(join(dataDir, 'goose-flow.db'), { readonly: true, fileMustExist: true });
  try {
    d.pragma('busy_timeout = 5000');
    return d.prepare(sql).all(...args);
  } finally {
    d.close();
  }
}
