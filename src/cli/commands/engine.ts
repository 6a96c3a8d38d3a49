import { Argument, Command } from 'commander';
import { daemonLogger, engineRecordFile } from '../../app.js';
import { moveEngine, type MoveReport } from '../../app/engine-move.js';
import { ENGINES, resolveConfig, type EngineKind } from '../../config.js';
import { globalOverrides, printJson } from '../context.js';
import { withHelp } from '../help.js';

export function engineCommand(): Command {
  const engine = new Command('engine')
    .description("the data dir's engine: which one it is, and moving it to the other")
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }, cmd: Command) => {
      const { dataDir, engine } = resolveConfig(globalOverrides(cmd));
      const file = engineRecordFile(dataDir);
      if (flags.json) return printJson({ dataDir, engine, config: file });
      process.stdout.write(
        `${dataDir} uses the ${engine} engine (recorded in ${file} once chosen; \`goose-flow engine move\` changes it)\n`,
      );
    });
  engine.addCommand(moveCommand());
  return withHelp(engine, {
    examples: ['goose-flow engine', 'goose-flow --data-dir /srv/goose-flow engine --json'],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_ENGINE'],
  });
}

function moveCommand(): Command {
  const moveCmd = new Command('move')
    .description(
      'move the data dir to the other engine: its schedules are carried over (all or none), then removed from this one',
    )
    .addArgument(new Argument('<engine>', 'embedded or temporal').choices(ENGINES))
    .option('--json', 'print JSON')
    .action(async (target: EngineKind, flags: { json?: boolean }, cmd: Command) => {
      const overrides = globalOverrides(cmd);
      // The engine the data dir has now, whatever GOOSE_FLOW_ENGINE asks for.
      const source = resolveConfig(
        { ...overrides, engine: undefined },
        { ...process.env, GOOSE_FLOW_ENGINE: undefined },
      );
      if (source.engine === target) {
        if (flags.json) return printJson({ from: target, to: target, moved: [] });
        process.stdout.write(`${source.dataDir} already uses the ${target} engine\n`);
        return;
      }
      const log = daemonLogger('pretty', process.stderr);
      const report = await moveEngine(source, target, {
        info: (event, fields) => log.info(fields, event),
        warn: (event, fields) => log.warn(fields, event),
      });
      if (flags.json) return printJson(report);
      process.stdout.write(describeMove(source.dataDir, report));
    });
  return withHelp(moveCmd, {
    notes: `What moves: every schedule, with its cron, zone, policies, pause state and note, remaining
actions, recipe snapshot, params and run options. What stays: the run history and logs (they stay
with the old engine — in goose-flow.db, or in Temporal's temporal.db — and show again if you move
back), each schedule's decision ledger, and Temporal's counts of skipped and missed actions.

Stop \`goose-flow serve\` first, and let running runs end. Without --temporal-address, moving to or
from Temporal starts the data dir's dev server (temporal.db) for the move and stops it after.`,
    examples: [
      'goose-flow engine move temporal',
      'goose-flow --temporal-address tq.example:7233 engine move temporal',
      'goose-flow engine move embedded',
    ],
    env: [
      'GOOSE_FLOW_HOME',
      'GOOSE_FLOW_TEMPORAL_ADDRESS',
      'GOOSE_FLOW_TEMPORAL_NAMESPACE',
      'GOOSE_FLOW_TEMPORAL_TASK_QUEUE',
      'GOOSE_FLOW_TEMPORAL_API_KEY',
      'GOOSE_FLOW_TEMPORAL_BIN',
    ],
  });
}

function describeMove(dataDir: string, r: MoveReport): string {
  const lines = [
    `moved ${r.moved.length} schedule(s) from ${r.from} to ${r.to}${r.moved.length ? `: ${r.moved.join(', ')}` : ''}`,
    `${dataDir} now uses the ${r.to} engine (every command uses it without --engine)`,
  ];
  for (const id of r.fromSnapshot)
    lines.push(
      `  ${id}: its recipe file changed or moved since it was added; the snapshot it ran was carried`,
    );
  if (r.notRemoved.length)
    lines.push(
      `  could not remove from ${r.from} (they no longer fire here): ${r.notRemoved.join(', ')}`,
    );
  lines.push(
    `not carried: ${r.runsLeft} run(s) of history and their logs (they stay with ${r.from}; moving back shows them again), each schedule's decision ledger${r.from === 'temporal' ? ", and Temporal's counts of skipped and missed actions" : ''}`,
  );
  return lines.join('\n') + '\n';
}
