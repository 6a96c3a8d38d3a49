/**
 * Runs one attempt's command for a Temporal worker and dies with it: `watchdog <worker pid> <grace
 * ms> <command> [args…]`. It leads the attempt's process group (the supervisor made it so), runs
 * the command in that group, mirrors its exit, and — if the worker is gone (killed, crashed) —
 * stops the whole group (TERM, grace, KILL). Temporal then retries the run on another worker; without
 * this the orphaned goose would keep running beside the retry.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';

const [workerPid, graceText, command, ...args] = process.argv.slice(2);
if (!workerPid || !graceText || !command) {
  process.stderr.write('usage: watchdog <worker pid> <grace ms> <command> [args...]\n');
  process.exit(2);
}
const grace = Number(graceText);

// Signals to the group reach the command too: wait for it and report its end, not ours.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);

const child = spawn(command, args, { stdio: 'inherit' });
child.on('error', (err) => {
  process.stderr.write(`goose-flow watchdog: cannot start ${command}: ${err.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(watch);
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});

function workerAlive(): boolean {
  if (process.ppid !== Number(workerPid)) return false;
  try {
    process.kill(Number(workerPid), 0);
    return true;
  } catch {
    return false;
  }
}

const watch = setInterval(() => {
  if (workerAlive()) return;
  clearInterval(watch);
  process.stderr.write(`goose-flow watchdog: worker ${workerPid} is gone; stopping the attempt\n`);
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  setTimeout(() => {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, grace).unref();
}, 500);
