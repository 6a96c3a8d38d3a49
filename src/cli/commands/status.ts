import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { runJson, runsTable } from '../render.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('the daemon, schedules and running runs of this data dir')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, (app) => {
        const daemon = app.schedules.daemon();
        const schedules = app.schedules.list();
        const paused = schedules.filter((s) => s.state.paused).length;
        const running = [
          ...app.runs.list({ status: 'running', limit: 1000 }),
          ...app.runs.list({ status: 'retrying', limit: 1000 }),
          ...app.runs.list({ status: 'pending', limit: 1000 }),
        ];
        const status = {
          dataDir: app.dataDir.root,
          engine: 'embedded',
          daemon: daemon
            ? { pid: daemon.pid, since: new Date(daemon.startedAt).toISOString() }
            : null,
          schedules: { total: schedules.length, active: schedules.length - paused, paused },
          runs: { active: running.length },
        };
        if (flags.json) return printJson({ ...status, activeRuns: running.map(runJson) });
        const lines = [
          `data dir   ${status.dataDir}`,
          `engine     embedded (SQLite)`,
          `daemon     ${daemon ? `running, pid ${daemon.pid}, since ${status.daemon?.since}` : 'not running (start it with `goose-flow serve`)'}`,
          `schedules  ${schedules.length} (${status.schedules.active} active, ${paused} paused)`,
          `runs       ${running.length} active`,
        ];
        process.stdout.write(lines.join('\n') + '\n');
        if (running.length) process.stdout.write('\n' + runsTable(running, Date.now()) + '\n');
      });
    });
}
