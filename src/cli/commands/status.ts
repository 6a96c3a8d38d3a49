import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { runJson, runsTable } from '../render.js';
import { formatDuration } from '../../domain/duration.js';
import { withHelp } from '../help.js';

export function statusCommand(): Command {
  const statusCmd = new Command('status')
    .description('the daemon, schedules and running runs of this data dir')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const daemon = app.schedules.daemon();
        const schedules = await app.schedules.list();
        const paused = schedules.filter((s) => s.state.paused).length;
        const running = (
          await Promise.all(
            (['running', 'retrying', 'pending'] as const).map((status) =>
              app.runs.list({ status, limit: 1000 }),
            ),
          )
        ).flat();
        const temporal = app.temporal
          ? {
              address: app.temporal.target.address,
              namespace: app.temporal.target.namespace,
              taskQueue: app.temporal.target.taskQueue,
              workers: await app.temporal.workers(),
              systemWorkflows: app.temporal.systemWorkflows,
            }
          : null;
        const status = {
          dataDir: app.dataDir.root,
          engine: app.engine,
          temporal,
          daemon: daemon
            ? { pid: daemon.pid, since: new Date(daemon.startedAt).toISOString() }
            : null,
          schedules: { total: schedules.length, active: schedules.length - paused, paused },
          runs: { active: running.length },
        };
        const jobs = app.systemJobs().map((j) => ({
          name: j.name,
          everyMs: j.everyMs,
          lastStartedAt: j.lastStartedAt === null ? null : new Date(j.lastStartedAt).toISOString(),
          lastFinishedAt:
            j.lastFinishedAt === null ? null : new Date(j.lastFinishedAt).toISOString(),
          lastResult: j.lastResult,
        }));
        if (flags.json)
          return printJson({ ...status, systemJobs: jobs, activeRuns: running.map(runJson) });
        const lines = [
          `data dir   ${status.dataDir}`,
          temporal
            ? `engine     temporal at ${temporal.address} (namespace ${temporal.namespace}, task queue ${temporal.taskQueue})`
            : `engine     embedded (SQLite)`,
          temporal
            ? `workers    ${temporal.workers} polling (the Temporal server fires schedules; workers run them)`
            : `daemon     ${daemon ? `running, pid ${daemon.pid}, since ${status.daemon?.since}` : 'not running (start it with `goose-flow serve`)'}`,
          `schedules  ${schedules.length} (${status.schedules.active} active, ${paused} paused)`,
          `runs       ${running.length} active`,
        ];
        if (temporal) {
          lines.push('', "Temporal's own system workflows do the maintenance here:");
          for (const w of temporal.systemWorkflows) lines.push(`  ${w}`);
          lines.push('  worker hosts: goose-flow deletes attempt logs past the retention age');
        } else lines.push('', 'system jobs (run by serve)');
        for (const j of jobs) {
          const result = j.lastResult
            ? Object.entries(j.lastResult)
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(', ')
            : '';
          lines.push(
            `  ${j.name.padEnd(16)} every ${formatDuration(j.everyMs).padEnd(6)} last ${j.lastFinishedAt ?? 'never'}${result ? ` (${result})` : ''}`,
          );
        }
        process.stdout.write(lines.join('\n') + '\n');
        if (running.length) process.stdout.write('\n' + runsTable(running, Date.now()) + '\n');
      });
    });
  return withHelp(statusCmd, {
    examples: [
      'goose-flow status',
      'goose-flow status --json',
      'goose-flow --data-dir /srv/goose-flow status',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_ENGINE'],
  });
}
