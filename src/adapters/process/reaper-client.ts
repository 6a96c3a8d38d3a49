import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled reaper (from source, under the tests: this checkout's build). */
function reaperScript(): string {
  const candidates = [
    fileURLToPath(new URL('./reaper.js', import.meta.url)),
    fileURLToPath(new URL('../../../dist/adapters/process/reaper.js', import.meta.url)),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `the reaper is not built (looked at ${candidates.join(', ')}): run npm run build`,
    );
  return found;
}

/** Process groups this worker runs; a reaper stops them if the worker dies. */
export interface Reaper {
  watch(pgid: number): void;
  unwatch(pgid: number): void;
  /** A clean stop: nothing is left to reap, the reaper exits. */
  stop(): Promise<void>;
}

export function startReaper(graceMs: number): Reaper {
  // Its own session: a signal to the worker's process group does not reach it.
  const child: ChildProcess = spawn(process.execPath, [reaperScript(), String(graceMs)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (line: string) => {
    if (child.stdin?.writable) child.stdin.write(line + '\n');
  };
  return {
    watch: (pgid) => send(`+${pgid}`),
    unwatch: (pgid) => send(`-${pgid}`),
    stop: async () => {
      // Unreferenced so it never keeps a worker alive; referenced again while we wait for it.
      child.ref();
      child.stdin?.end();
      await exited;
    },
  };
}
