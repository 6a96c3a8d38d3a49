import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { withHelp } from '../help.js';

export function recoverCommand(): Command {
  const recover = new Command('recover')
    .description(
      'settle runs left behind by a goose-flow process that died: re-adopt or kill live attempts, ' +
        'record vanished ones as lost and retry them per policy (every command starts this in the background when needed)',
    )
    .option('--json', 'print what was done as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(
        cmd,
        async (app) => {
          const report = await app.runs.recover();
          if (flags.json) printJson(report);
          else {
            const total =
              report.adopted.length +
              report.retried.length +
              report.resumed.length +
              report.failed.length;
            process.stdout.write(
              total === 0
                ? 'nothing to recover\n'
                : `recovered ${total} run(s): adopted ${report.adopted.length}, retried ${report.retried.length}, ` +
                    `resumed ${report.resumed.length}, settled as failed ${report.failed.length}\n`,
            );
            if (report.claimed.length > 0)
              process.stdout.write(
                `ran ${report.claimed.length} run(s) handed over with no daemon to take them\n`,
              );
          }
        },
        {},
        { recover: false },
      );
    });
  return withHelp(recover, {
    examples: ['goose-flow recover', 'GOOSE_FLOW_ORPHANS=kill goose-flow recover --json'],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_ORPHANS', 'GOOSE_FLOW_GOOSE_BIN'],
  });
}
