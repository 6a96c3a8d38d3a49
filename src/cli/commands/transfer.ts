import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { scheduleJson } from '../render-schedule.js';
import { exportSchedules, parseScheduleFile } from '../../domain/schedule/transfer.js';
import { UsageError } from '../../domain/errors.js';
import { withHelp } from '../help.js';

export function importCommand(): Command {
  const importCmd = new Command('import')
    .description(
      "create schedules from Goose's legacy schedules.json or a goose-flow export (all or none)",
    )
    .argument('<file>')
    .option('--json', 'print the created schedules as JSON')
    .action(async (file: string, flags: { json?: boolean }, cmd: Command) => {
      const path = resolve(file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new UsageError(
          `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      const drafts = parseScheduleFile(text, path);
      await withApp(cmd, async (app) => {
        const created = await app.schedules.addAll(drafts, dirname(path));
        if (flags.json) return printJson(created.map((s) => scheduleJson(s)));
        for (const draft of drafts) {
          process.stdout.write(`imported ${draft.id}\n`);
          for (const note of draft.notes) process.stdout.write(`  note: ${note}\n`);
        }
        process.stdout.write(`${created.length} schedule(s) imported\n`);
      });
    });
  return withHelp(importCmd, {
    notes: `Reads Goose's own scheduler file (e.g. ~/.local/share/goose/schedule/schedules.json) or the YAML
that \`goose-flow export\` writes. Relative recipe paths are read against the file's folder.`,
    examples: [
      'goose-flow import ~/.local/share/goose/schedule/schedules.json',
      'goose-flow --data-dir /srv/goose-flow import schedules.yaml --json',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_RUN_TIMEOUT'],
  });
}

export function exportCommand(): Command {
  const exportCmd = new Command('export')
    .description(
      'write every schedule as YAML (for `goose-flow import` here, elsewhere, or on another engine)',
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (flags: { output?: string }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const yaml = exportSchedules(await app.schedules.list());
        if (flags.output) writeFileSync(resolve(flags.output), yaml);
        else process.stdout.write(yaml);
      });
    });
  return withHelp(exportCmd, {
    examples: ['goose-flow export -o schedules.yaml', 'goose-flow export > backup.yaml'],
  });
}
