import { Command } from 'commander';
import { collect, printJson, withApp } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatProblems, parseParamArgs } from '../../domain/recipe/index.js';
import { withHelp } from '../help.js';
import type { RecipeReport } from '../../services/recipes.js';

export function recipeCommand(): Command {
  const recipe = new Command('recipe').description('work with recipe files');
  withHelp(recipe, { examples: ['goose-flow recipe validate review.yaml -p repo=.'] });
  const validate = recipe
    .command('validate')
    .description(
      'check a recipe against the Goose recipe format and say whether it can run headless',
    )
    .argument('<file>')
    .option('-p, --param <key=value>', 'parameter value to check (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: { param: string[]; json?: boolean }, cmd: Command) => {
      await withApp(
        cmd,
        (app) => {
          const report = app.recipes.validate(file, parseParamArgs(flags.param));
          if (flags.json) printJson(report);
          else process.stdout.write(describeReport(report));
          process.exitCode = !report.valid
            ? ExitCode.usage
            : report.headless.ok
              ? ExitCode.ok
              : ExitCode.failure;
        },
        {},
        { recover: false },
      );
    });
  withHelp(validate, {
    notes: 'Exit codes: 0 valid and runnable headless, 1 valid but not headless, 2 invalid.',
    examples: [
      'goose-flow recipe validate review.yaml',
      'goose-flow recipe validate review.yaml -p repo=. -p branch=main --json',
    ],
  });
  return recipe;
}

/** A verdict as `recipe validate` prints it (`template use` too). */
export function describeReport(report: RecipeReport): string {
  const lines: string[] = [];
  if (report.errors.length) lines.push(formatProblems(report.file, report.errors));
  if (report.warnings.length) lines.push(formatProblems(report.file, report.warnings));
  if (!report.valid) {
    lines.push(`${report.file}: invalid (${report.errors.length} error(s))`);
  } else if (!report.headless.ok) {
    lines.push(
      `${report.file}: valid, but cannot run headless:`,
      ...report.headless.reasons.map((r) => `  - ${r}`),
    );
  } else {
    const params = Object.entries(report.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    lines.push(
      `${report.file}: valid, runs headless${params.length ? ` with ${params.join(' ')}` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}
