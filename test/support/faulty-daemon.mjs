// Test-only entry: `goose-flow serve` with a crash injected at a fault point.
// FAULT_POINT names the point, FAULT_AT the hit that SIGKILLs the daemon (1 = the first).
/* global process */
import { runDaemon } from '../../dist/cli/daemon.js';

const point = process.env.FAULT_POINT;
const at = Number(process.env.FAULT_AT ?? '1');
let hits = 0;
const faults = {
  hit(p) {
    if (p === point && ++hits === at) process.kill(process.pid, 'SIGKILL');
  },
};
process.exitCode = await runDaemon({
  dataDir: process.env.GOOSE_FLOW_HOME,
  maxConcurrent: 4,
  onShutdown: 'stop',
  logFormat: 'json',
  faults,
});
