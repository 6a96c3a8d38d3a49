/** What validation collects while it walks a pipeline file, and a step as parsed. */
import type { Finding, PathSegment, ProblemCode, RecipeProblem } from '../recipe/model.js';
import type { StepPlan } from './model.js';

/** Collects findings at document paths; `place` turns them into located problems. */
export class Findings {
  readonly list: Finding[] = [];
  readonly foreign: RecipeProblem[] = [];

  error(code: ProblemCode, at: PathSegment[], message: string): void {
    this.list.push({ severity: 'error', code, message, at });
  }

  warn(code: ProblemCode, at: PathSegment[], message: string): void {
    this.list.push({ severity: 'warning', code, message, at });
  }
}

/** A step as parsed, with where it is in the file. */
export interface ParsedStep {
  readonly plan: StepPlan;
  readonly at: PathSegment[];
}
