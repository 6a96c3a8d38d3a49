/** The engine's supervisor on a host, for the kill -9 tests: `serve` (embedded) or a `worker`. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { startCli, waitFor, type CliProcess } from './harness.js';

export async function startSupervisor(
  engine: 'embedded' | 'temporal',
  env: NodeJS.ProcessEnv,
  track: (d: CliProcess) => void,
): Promise<CliProcess> {
  const args = engine === 'temporal' ? ['worker'] : ['serve'];
  const d = startCli([...args, '--log-format', 'json'], env);
  track(d);
  const ready = engine === 'temporal' ? 'worker_started' : 'serve_started';
  await waitFor(
    () => d.out.stdout.includes(ready) || d.exitCode !== null,
    30_000,
    `${args[0]} to start`,
  );
  expect(d.out.stdout, d.out.stderr).toContain(ready);
  return d;
}

/** The children of a process (the reaper of a Temporal worker). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
