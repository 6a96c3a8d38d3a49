/**
 * Recipe validation: the format's shape (schema.ts), Goose's own semantic rules (parameters vs
 * template variables, optional needs a default, …), supplied parameter values, and whether the
 * recipe can run headless (scheduled). Pure: the adapter parses the file and supplies a locator
 * and a file-existence callback.
 *
 * Where this departs from a plain reading of the format it follows what Goose does, because a
 * recipe goose-flow accepts must also be accepted by `goose run`:
 * - a declared parameter the text never uses is an error (Goose: "Unnecessary parameter definitions");
 * - a single-line `{{ … }}` MiniJinja cannot parse is a warning, not an error (Goose renders it as
 *   literal text; see template.ts).
 */
import {
  BUILT_IN_RECIPE_DIR,
  InputType,
  ProblemCode,
  type Finding,
  type Parameter,
  type PathSegment,
  type RecipeCheck,
  type RecipeProblem,
} from './model.js';
import {
  bindParams,
  declaredParameters,
  legacyFinding,
  legacyParameters,
  parameterRules,
} from './params.js';
import {
  RecipeSchema,
  formatPath,
  isRecord,
  issueFinding,
  unknownFieldFindings,
} from './schema.js';
import { scanTemplate, type TemplateScan } from './template.js';
import type { z } from 'zod';

export type { RecipeCheck, RecipeProblem } from './model.js';

export interface ValidateRecipeInput {
  /** Shown in messages only. */
  file: string;
  /** The raw file text: templates are scanned over it, as Goose renders before parsing. */
  text: string;
  format: 'yaml' | 'json';
  /** The parsed document (plain JS values). */
  document: unknown;
  /** Maps a field path of the document to its position in `text`, when known. */
  locate: (path: PathSegment[]) => { line: number; column: number } | undefined;
  /** Supplied parameter values (`--param key=value`). */
  params?: Record<string, string>;
  /** Judge for a headless (scheduled) run: its blockers become errors. */
  headless?: boolean;
  /**
   * Resolves a path — a sub-recipe relative to the recipe's directory, or a `file` parameter value
   * relative to the working directory — and says whether it exists. Without it, no existence checks.
   */
  resolveFile?: (path: string, base: 'recipe' | 'cwd') => { path: string; exists: boolean };
}

/** A document with none of these is not a recipe. */
const RECIPE_MARKERS = ['title', 'description', 'instructions', 'prompt'];

/**
 * A file can hold thousands of unknown keys or invalid entries: the first are named (each placed
 * at its line), the rest counted — so a hostile file costs linear time, not one search per key.
 */
const MAX_UNKNOWN_FIELDS = 20;
const MAX_SHAPE_ISSUES = 100;
const MAX_PROBLEMS = 200;

const NO_PROMPT_REASON =
  'recipe has no `prompt`; a headless (scheduled) run sends only the prompt — add a `prompt` field';

export function validateRecipe(input: ValidateRecipeInput): RecipeCheck {
  if (!isRecord(input.document)) {
    const message = `${input.file}: the ${input.format.toUpperCase()} document must be a mapping of recipe fields`;
    const problem = {
      severity: 'error',
      code: ProblemCode.notAMapping,
      message,
      path: '',
    } as const;
    return unparsedCheck([{ ...problem, ...input.locate([]) }]);
  }
  // The desktop app saves `{name, recipe: {...}, isGlobal, …}`; Goose reads the inner recipe.
  const wrapped = isRecord(input.document.recipe);
  const raw = wrapped ? (input.document.recipe as Record<string, unknown>) : input.document;
  // Anything else is not described field by field: an answer must not list a stranger's keys.
  if (!RECIPE_MARKERS.some((field) => field in raw)) {
    return unparsedCheck([
      {
        severity: 'error',
        code: ProblemCode.notARecipe,
        message: `${input.file}: not a Goose recipe (it has none of the fields ${RECIPE_MARKERS.join(', ')})`,
        path: '',
      },
    ]);
  }
  const parsed = RecipeSchema.safeParse(raw);
  const params = declaredParameters(raw.parameters);
  const findings = recipeFindings(raw, parsed.success ? [] : parsed.error.issues, input);
  const binding = bindParams(params, input.params ?? {});
  for (const f of [...binding.findings, ...fileValueFindings(params, binding.values, input)])
    findings.push(f);
  const headless = headlessReasons(raw, binding.missing, findings);
  if (input.headless) for (const f of headlessFindings(raw, binding.missing)) findings.push(f);
  // Errors first; each of the first MAX_PROBLEMS is placed at its line, the rest counted.
  const ordered = [
    ...findings.filter((f) => f.severity === 'error'),
    ...findings.filter((f) => f.severity !== 'error'),
  ];
  const problems = place(
    capped(ordered, MAX_PROBLEMS, 'problem(s)'),
    wrapped ? ['recipe'] : [],
    input.locate,
  );
  const ok = !problems.some((p) => p.severity === 'error');
  return {
    recipe: ok && parsed.success ? parsed.data : undefined,
    problems,
    headless: { ok: headless.length === 0, reasons: headless },
    params: binding.values,
    ...(wrapped ? { unwrapped: raw } : {}),
  };
}

/** Everything about the file itself, before any supplied values are considered. */
function recipeFindings(
  raw: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  input: ValidateRecipeInput,
): Finding[] {
  const legacy = legacyParameters(raw.parameters);
  const shape = [
    ...capped(
      issues.map((issue) => issueFinding(issue, raw)),
      MAX_SHAPE_ISSUES,
      'problem(s) of shape',
    ),
    ...capped(unknownFieldFindings(raw), MAX_UNKNOWN_FIELDS, 'unknown field(s), ignored by Goose'),
  ].filter((f) => !(f.at[0] === 'parameters' && legacy.has(Number(f.at[1]))));
  return [
    ...shape,
    ...[...legacy].map(legacyFinding),
    ...instructionsOrPrompt(raw),
    ...parameterRules(raw.parameters),
    ...templateFindings(input.text, raw.parameters),
    ...subRecipeFindings(raw.sub_recipes, input.resolveFile),
  ];
}

/** The check of a file that could not be parsed at all. */
export function unparsedCheck(problems: RecipeProblem[]): RecipeCheck {
  return {
    problems,
    headless: { ok: false, reasons: ['the recipe file could not be parsed'] },
    params: {},
  };
}

function place(
  findings: Finding[],
  prefix: PathSegment[],
  locate: ValidateRecipeInput['locate'],
): RecipeProblem[] {
  const placed = findings.map(({ at, ...rest }) => {
    // `params.<key>` points at a supplied value, not into the file.
    const full = at[0] === 'params' ? at : [...prefix, ...at];
    const position = rest.line === undefined ? nearestPosition(full, locate) : undefined;
    return { ...rest, path: formatPath(full), ...position };
  });
  // Errors first, then warnings, each by line; a count of what was not named comes last.
  const rank = (p: RecipeProblem) =>
    p.code === ProblemCode.tooManyProblems ? 2 : p.severity === 'error' ? 0 : 1;
  return placed.sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0));
}

/** A missing field has no position of its own: point at the closest enclosing one. */
function nearestPosition(at: PathSegment[], locate: ValidateRecipeInput['locate']) {
  for (let n = at.length; n >= 0; n--) {
    const position = locate(at.slice(0, n));
    if (position) return position;
  }
  return undefined;
}

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function instructionsOrPrompt(raw: Record<string, unknown>): Finding[] {
  if (hasText(raw.instructions) || hasText(raw.prompt)) return [];
  return [
    {
      severity: 'error',
      code: ProblemCode.noInstructionsOrPrompt,
      message: 'a recipe needs at least one of `instructions` or `prompt` (non-empty)',
      at: [],
    },
  ];
}

function templateFindings(text: string, list: unknown): Finding[] {
  const scan = scanTemplate(text);
  const declared = Array.isArray(list) ? list.map((p) => (isRecord(p) ? p.key : undefined)) : [];
  return [...syntaxFindings(scan), ...variableFindings(scan, declared)];
}

function syntaxFindings(scan: TemplateScan): Finding[] {
  const findings: Finding[] = scan.issues.map(({ literal, message, line, column }) => ({
    severity: literal ? 'warning' : 'error',
    code: literal ? ProblemCode.templateLiteral : ProblemCode.templateSyntax,
    message: literal
      ? `template: ${message}; Goose leaves it as literal text (not a MiniJinja expression — for a condition use \`{% if … %}…{% endif %}\`)`
      : `template syntax error: ${message}`,
    at: [],
    line,
    column,
  }));
  if (scan.inheritance) {
    const message =
      'the recipe uses `{% extends %}`/`{% include %}`: variables of the included files are not checked here';
    findings.push({ severity: 'warning', code: ProblemCode.templateInheritance, message, at: [] });
  }
  return findings;
}

/** Goose refuses both undeclared variables and declared parameters the text never uses. */
function variableFindings(scan: TemplateScan, declared: unknown[]): Finding[] {
  const findings: Finding[] = [];
  for (const { name, line, column } of scan.variables) {
    if (name === BUILT_IN_RECIPE_DIR || declared.includes(name)) continue;
    const message = `template variable \`${name}\` is used but not declared in \`parameters\` (Goose refuses the recipe)`;
    findings.push({
      severity: 'error',
      code: ProblemCode.templateUndeclared,
      message,
      at: [],
      line,
      column,
    });
  }
  const used = new Set(scan.variables.map((v) => v.name));
  // With `{% extends %}` the parent may use the parameter: we cannot see it, so only warn.
  const severity = scan.inheritance ? 'warning' : 'error';
  declared.forEach((key, i) => {
    if (typeof key !== 'string' || used.has(key)) return;
    const message = `parameter \`${key}\` is declared but never used in the recipe text (Goose refuses unnecessary parameter definitions)`;
    findings.push({
      severity,
      code: ProblemCode.paramUnused,
      message,
      at: ['parameters', i, 'key'],
    });
  });
  return findings;
}

function subRecipeFindings(list: unknown, resolve: ValidateRecipeInput['resolveFile']): Finding[] {
  if (!resolve || !Array.isArray(list)) return [];
  return list.flatMap((item, i): Finding[] => {
    if (!isRecord(item) || typeof item.path !== 'string' || item.path.trim() === '') return [];
    const target = resolve(item.path, 'recipe');
    if (target.exists) return [];
    const message = `sub-recipe file not found: ${target.path} (\`${item.path}\` is resolved relative to the recipe's directory)`;
    return [
      {
        severity: 'error',
        code: ProblemCode.subRecipeMissing,
        message,
        at: ['sub_recipes', i, 'path'],
      },
    ];
  });
}

function fileValueFindings(
  params: Parameter[],
  values: Record<string, string>,
  input: ValidateRecipeInput,
): Finding[] {
  if (!input.resolveFile) return [];
  const resolve = input.resolveFile;
  return params.flatMap((p): Finding[] => {
    const value = input.params?.[p.key];
    if (p.input_type !== InputType.file || value === undefined || values[p.key] === undefined)
      return [];
    const target = resolve(value, 'cwd');
    if (target.exists) return [];
    const message = `--param ${p.key}: file not found: ${target.path} (a \`file\` value is resolved relative to the working directory)`;
    return [
      { severity: 'error', code: ProblemCode.valueFileMissing, message, at: ['params', p.key] },
    ];
  });
}

function missingReason(p: Parameter): string {
  return `parameter \`${p.key}\` (${p.requirement}) has no value and no default; a headless run cannot ask for it — pass it with --param ${p.key}=VALUE`;
}

function headlessReasons(
  raw: Record<string, unknown>,
  missing: Parameter[],
  findings: Finding[],
): string[] {
  const reasons: string[] = [];
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) reasons.push(`the recipe has ${errors} error(s)`);
  if (!hasText(raw.prompt)) reasons.push(NO_PROMPT_REASON);
  reasons.push(...missing.map(missingReason));
  return reasons;
}

function headlessFindings(raw: Record<string, unknown>, missing: Parameter[]): Finding[] {
  const findings: Finding[] = missing.map((p) => ({
    severity: 'error',
    code: ProblemCode.valueMissing,
    message: missingReason(p),
    at: ['params', p.key],
  }));
  if (!hasText(raw.prompt)) {
    findings.unshift({
      severity: 'error',
      code: ProblemCode.notHeadless,
      message: NO_PROMPT_REASON,
      at: ['prompt'],
    });
  }
  return findings;
}

/** The first `max` findings, and one that counts the rest (as severe as the worst of them). */
function capped(findings: Finding[], max: number, what: string): Finding[] {
  if (findings.length <= max) return findings;
  const rest = findings.slice(max);
  return [
    ...findings.slice(0, max),
    {
      severity: rest.some((f) => f.severity === 'error') ? 'error' : 'warning',
      code: ProblemCode.tooManyProblems,
      message: `and ${rest.length} more ${what}`,
      at: [],
    },
  ];
}
