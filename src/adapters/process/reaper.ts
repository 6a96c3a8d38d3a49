/**
 * The reaper: one small process per Temporal worker that outlives it. The worker tells it, on its
 * stdin, which attempt process groups it runs (`+<pgid>` / `-<pgid>`). If the worker dies
 * (SIGKILL, crash), stdin closes and the reaper stops every group still listed (TERM, grace,
 * KILL): no orphaned goose keeps running beside Temporal's retry on another worker.
 *
 *   node reaper.js <grace ms>
 */
import { createInterface } from 'node:readline';
import process from 'node:process';

const grace = Number(process.argv[2] ?? 10_000);
const groups = new Set<number>();

function signal(pgid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, name);
    return true;
  } catch {
    return false;
  }
}

// The worker's terminal may signal its whole process group: the reaper only ends when stdin does.
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => undefined);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) return;
    if (line.startsWith('+')) groups.add(pgid);
    else if (line.startsWith('-')) groups.delete(pgid);
  })
  .on('close', () => {
    const left = [...groups].filter((pgid) => signal(pgid, 'SIGTERM'));
    if (left.length === 0) process.exit(0);
    process.stderr.write(
      `goose-flow reaper: its goose-flow is gone; stopping ${left.length} process group(s): ${left.join(', ')}\n`,
    );
    setTimeout(() => {
      for (const pgid of left) signal(pgid, 'SIGKILL');
      process.exit(0);
    }, grace);
  });
