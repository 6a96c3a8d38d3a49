import { ErrorKind, GooseFlowError } from '../errors.js';
import type { RecipeProblem } from './model.js';

/** One line per problem, compiler style: `file:line:col: error: message (at path)`. */
export function formatProblems(file: string, problems: readonly RecipeProblem[]): string {
  return problems.map((p) => formatProblem(file, p)).join('\n');
}

export function formatProblem(file: string, p: RecipeProblem): string {
  const at_file = p.file ?? file;
  const where = p.line === undefined ? at_file : `${at_file}:${p.line}:${p.column ?? 1}`;
  const at = p.path ? ` (at ${p.path})` : '';
  return `${where}: ${p.severity}: ${p.message}${at}`;
}

/** A recipe goose-flow refuses to run or schedule. Never retryable: the file must be fixed. */
export class RecipeInvalidError extends GooseFlowError {
  readonly file: string;
  readonly problems: readonly RecipeProblem[];

  constructor(file: string, problems: readonly RecipeProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    super(
      'recipe_invalid',
      ErrorKind.usage,
      `recipe ${file} is invalid (${count}):\n${formatProblems(file, errors)}`,
      { retryable: false, details: { file, problems: errors } },
    );
    this.file = file;
    this.problems = errors;
  }
}

/** The recipe file could not be read at all (missing, a directory, no permission…). */
export class RecipeFileError extends GooseFlowError {
  readonly file: string;

  constructor(file: string, reason: string, cause?: unknown) {
    super('recipe_unreadable', ErrorKind.usage, `cannot read recipe ${file}: ${reason}`, {
      retryable: false,
      details: { file, reason },
      cause,
    });
    this.file = file;
  }
}
