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
        const report = await app.status.report();
        const { daemon, temporal } = report;
        const running = report.activeRuns;
        const paused = report.schedules.paused;
        const status = {
          dataDir: report.dataDir,
          engine: report.engine,
          temporal: temporal && {
            address: temporal.address,
            namespace: temporal.namespace,
            taskQueue: temporal.taskQueue,
            workers: report.workers ?? 0,
            systemWorkflows: temporal.systemWorkflows,
          },
          daemon: daemon
            ? { pid: daemon.pid, since: new Date(daemon.startedAt).toISOString() }
            : null,
          schedules: report.schedules,
          runs: { active: running.length },
        };
        const jobs = report.systemJobs.map((j) => ({
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
            ? `workers    ${status.temporal?.workers} polling (the Temporal server fires schedules; workers run them)`
            : `daemon     ${daemon ? `running, pid ${daemon.pid}, since ${status.daemon?.since}` : 'not running (start it with `goose-flow serve`)'}`,
          `schedules  ${status.schedules.total} (${status.schedules.active} active, ${paused} paused)`,
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
