import { Command } from 'commander';
import { collect, printJson, withApp } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { withHelp } from '../help.js';
import { table } from '../render.js';
import { describeReport } from './recipe.js';
import { parseParamArgs } from '../../domain/recipe/index.js';
import {
  parameterJson,
  templateDetailJson,
  templateListingJson,
  templateUseJson,
} from '../../views/templates.js';
import type { TemplateDetail, TemplateUse } from '../../services/templates.js';
import type { App } from '../../app.js';

export function templateCommand(): Command {
  const template = new Command('template').description(
    'workflow templates: ready recipes and pipelines with a suggested schedule',
  );
  template.addCommand(listCommand());
  template.addCommand(showCommand());
  template.addCommand(useCommand());
  return withHelp(template, {
    examples: [
      'goose-flow template list',
      'goose-flow template show repo-digest',
      'goose-flow template use repo-digest -p repo=$PWD --schedule',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_TEMPLATES_DIR'],
  });
}

function listCommand(): Command {
  const list = new Command('list')
    .description('the built-in templates and yours (yours shadow a built-in one of the same name)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(
        cmd,
        (app) => {
          const listing = app.templates.list();
          if (flags.json) return printJson(templateListingJson(listing));
          const rows = listing.templates.map((t) => [
            t.source === 'user' ? `${t.name} *` : t.name,
            t.kind,
            `${t.schedule.cron} (${t.schedule.description})`,
            t.title,
          ]);
          const mine = listing.templates.filter((t) => t.source === 'user');
          process.stdout.write(
            (rows.length ? table(['NAME', 'KIND', 'SCHEDULE', 'TITLE'], rows) : 'no templates') +
              '\n' +
              (mine.length ? `* yours, from ${app.config.templatesDir}\n` : '') +
              mine.flatMap((t) => (t.note ? [`  ${t.name}: ${t.note}\n`] : [])).join(''),
          );
          for (const p of listing.problems)
            process.stderr.write(
              `goose-flow: template ${p.name} (${p.source}) skipped: ${p.message}\n`,
            );
        },
        {},
        { recover: false },
      );
    });
  return withHelp(list, {
    examples: ['goose-flow template list', 'goose-flow template list --json'],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_TEMPLATES_DIR'],
  });
}

function showCommand(): Command {
  const show = new Command('show')
    .description('a template: what it does, its parameters, its suggested schedule and its files')
    .argument('<name>')
    .option('--files', "print the files' contents too")
    .option('--json', 'print JSON (with the files)')
    .action(async (name: string, flags: { files?: boolean; json?: boolean }, cmd: Command) => {
      await withApp(
        cmd,
        async (app) => {
          const detail = await app.templates.show(name);
          if (flags.json) return printJson(templateDetailJson(detail));
          process.stdout.write(detailText(detail, flags.files ?? false));
        },
        {},
        { recover: false },
      );
    });
  return withHelp(show, {
    examples: [
      'goose-flow template show pr-review-sweep',
      'goose-flow template show repo-digest --files',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_TEMPLATES_DIR'],
  });
}

function detailText(d: TemplateDetail, files: boolean): string {
  const params = d.parameters.map(parameterJson);
  const lines = [
    `template   ${d.name} (${d.source === 'builtin' ? 'built-in' : 'yours'})${d.note ? ` — ${d.note}` : ''}`,
    `title      ${d.title}`,
    `kind       ${d.kind}, entry ${d.entry}`,
    `schedule   ${d.schedule.cron} — ${d.schedule.description} (suggested)`,
    ...(d.tags.length ? [`tags       ${d.tags.join(', ')}`] : []),
    `folder     ${d.dir}`,
    '',
    ...wrap(d.description, 96),
    '',
    'parameters',
    ...(params.length
      ? table(
          ['  NAME', 'TYPE', 'REQUIREMENT', 'DEFAULT', 'DESCRIPTION'],
          params.map((p) => [
            `  ${p.name}`,
            p.options ? `${p.inputType} (${p.options.join('|')})` : p.inputType,
            p.requirement,
            p.default === null ? '-' : JSON.stringify(p.default),
            p.description,
          ]),
        ).split('\n')
      : ['  none']),
    '',
    'files',
    ...d.files.map((f) => `  ${f.path}  (${Buffer.byteLength(f.content)} bytes)`),
    '',
    `use it: goose-flow template use ${d.name}${requiredFlags(d)} [--dir <dir>] [--schedule]`,
  ];
  const contents = files
    ? d.files.flatMap((f) => ['', `--- ${f.path} ---`, f.content.replace(/\n$/, '')])
    : [];
  return [...lines, ...contents].join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

function requiredFlags(d: TemplateDetail): string {
  return d.parameters
    .filter((p) => p.requirement !== 'optional' && p.default === undefined)
    .map((p) => ` -p ${p.key}=…`)
    .join('');
}

interface UseFlags {
  param: string[];
  dir?: string;
  schedule?: boolean;
  id?: string;
  cron?: string;
  tz?: string;
  force?: boolean;
  json?: boolean;
}

function useCommand(): Command {
  const use = new Command('use')
    .description(
      'write a template into a directory, validate it with your parameters, and schedule it if asked',
    )
    .argument('<name>')
    .option('-p, --param <key=value>', 'parameter value (repeatable)', collect, [])
    .option('--dir <dir>', 'where the files go (default ./<name>)')
    .option('--force', 'overwrite files there that differ from the template')
    .option('--schedule', 'create a schedule for it (the suggested cron unless --cron)')
    .option('--id <id>', 'the schedule id (default: the template name)')
    .option('--cron <expr>', 'the schedule cron (default: the suggested one)')
    .option('--tz <zone>', "the schedule's IANA time zone (default: this host's zone)")
    .option('--json', 'print JSON')
    .action((name: string, flags: UseFlags, cmd: Command) =>
      withApp(cmd, (app) => useTemplate(app, name, flags)),
    );
  return withHelp(use, {
    notes:
      'Files already there with the same content are left alone; one with other content is kept\n' +
      '(nothing is written) unless --force. --id, --cron or --tz imply --schedule.\n' +
      'Exit codes: 0 written and valid (and scheduled, if asked); 1 valid but not runnable headless\n' +
      '(a required parameter has no value); 2 invalid, or the schedule could not be created.',
    examples: [
      'goose-flow template use repo-digest -p repo=$PWD',
      'goose-flow template use dependency-audit --dir ~/recipes/audit -p project=$PWD --schedule',
      'goose-flow template use pr-review-sweep -p repo=block/goose --schedule --cron "30 8 * * 1-5" --tz Europe/Berlin',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_TEMPLATES_DIR'],
  });
}

async function useTemplate(app: App, name: string, flags: UseFlags): Promise<void> {
  const scheduled = Boolean(flags.schedule || flags.id || flags.cron || flags.tz);
  const used = await app.templates.use(name, {
    dir: flags.dir,
    params: parseParamArgs(flags.param),
    force: flags.force ?? false,
    schedule: scheduled ? { id: flags.id, cron: flags.cron, timezone: flags.tz } : null,
  });
  const next = used.schedule ? app.schedules.nextRunAt(used.schedule) : null;
  if (flags.json) printJson(templateUseJson(used, next));
  else process.stdout.write(useText(app, used, next));
  process.exitCode = exitCodeOf(used, scheduled);
}

function useText(app: App, u: TemplateUse, next: number | null): string {
  const lines = [
    ...u.files.map((f) => `${f.status.padEnd(11)} ${f.path}`),
    describeReport(u.report).replace(/\n$/, ''),
  ];
  if (u.schedule) {
    const at = next === null ? 'none' : new Date(next).toISOString();
    lines.push(
      `schedule ${u.schedule.id} created (${u.schedule.spec.expression}, ${u.schedule.spec.timezone}); next run ${at}`,
    );
    if (app.engine === 'embedded' && !app.schedules.daemon())
      lines.push('note: no `goose-flow serve` runs on this data dir; start one to fire schedules');
  }
  if (u.scheduleSkipped) lines.push(`no schedule: ${u.scheduleSkipped}`);
  return lines.join('\n') + '\n';
}

function exitCodeOf(u: TemplateUse, scheduled: boolean): number {
  if (!u.report.valid) return ExitCode.usage;
  if (!u.report.headless.ok) return scheduled ? ExitCode.usage : ExitCode.failure;
  return ExitCode.ok;
}
