/**
 * The Goose recipe format as goose-flow understands it (see docs: goose-recipes.md). Field names
 * keep Goose's snake_case spelling so a recipe object round-trips to the file format unchanged.
 */

export const InputType = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  file: 'file',
  select: 'select',
} as const;
export type InputType = (typeof InputType)[keyof typeof InputType];

export const Requirement = {
  required: 'required',
  optional: 'optional',
  userPrompt: 'user_prompt',
} as const;
export type Requirement = (typeof Requirement)[keyof typeof Requirement];

export const ExtensionType = {
  stdio: 'stdio',
  builtin: 'builtin',
  platform: 'platform',
  streamableHttp: 'streamable_http',
  sse: 'sse',
  frontend: 'frontend',
  inlinePython: 'inline_python',
} as const;
export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];

export const INPUT_TYPES: readonly InputType[] = Object.values(InputType);
export const REQUIREMENTS: readonly Requirement[] = Object.values(Requirement);
export const EXTENSION_TYPES: readonly ExtensionType[] = Object.values(ExtensionType);

/** Goose injects this variable itself (the recipe file's directory); it is never a parameter. */
export const BUILT_IN_RECIPE_DIR = 'recipe_dir';

export interface Parameter {
  key: string;
  input_type: InputType;
  requirement: Requirement;
  description: string;
  /** Goose holds defaults as strings; numeric and boolean YAML scalars are converted. */
  default?: string;
  options?: string[];
}

export interface Extension {
  type: ExtensionType;
  name: string;
  [field: string]: unknown;
}

export interface Settings {
  goose_provider?: string;
  goose_model?: string;
  temperature?: number;
  max_turns?: number;
}

export interface SubRecipe {
  name: string;
  path: string;
  values?: Record<string, string>;
  sequential_when_repeated?: boolean;
  description?: string;
}

export interface RetryCheck {
  type: 'shell';
  command: string;
}

export interface RetryConfig {
  max_retries: number;
  checks: RetryCheck[];
  timeout_seconds?: number;
  on_failure?: string;
  on_failure_timeout_seconds?: number;
}

export interface Author {
  contact?: string;
  metadata?: string;
  [field: string]: unknown;
}

/** Desktop-app extension: how a scheduled run of this recipe should be shown. */
export interface ScheduleHint {
  foreground: boolean;
  fallback_to_background: boolean;
  window_title?: string;
  working_directory?: string;
}

export interface Recipe {
  version: string;
  title: string;
  description: string;
  instructions?: string;
  prompt?: string;
  parameters?: Parameter[];
  extensions?: Extension[];
  settings?: Settings;
  response?: { json_schema?: Record<string, unknown> };
  sub_recipes?: SubRecipe[];
  retry?: RetryConfig;
  activities?: string[];
  author?: Author;
  context?: string[];
  schedule?: ScheduleHint;
}

/** Stable reason codes of recipe problems; tests and `--json` output rely on them. */
export const ProblemCode = {
  yamlSyntax: 'yaml_syntax',
  jsonSyntax: 'json_syntax',
  notAMapping: 'not_a_mapping',
  notARecipe: 'not_a_recipe',
  tooManyProblems: 'too_many_problems',
  missingField: 'missing_field',
  emptyField: 'empty_field',
  invalidType: 'invalid_type',
  invalidValue: 'invalid_value',
  unknownField: 'unknown_field',
  noInstructionsOrPrompt: 'no_instructions_or_prompt',
  paramLegacyShape: 'param_legacy_shape',
  paramDuplicate: 'param_duplicate',
  paramOptionalWithoutDefault: 'param_optional_without_default',
  paramRequiredWithDefault: 'param_required_with_default',
  paramFileDefault: 'param_file_default',
  paramSelectWithoutOptions: 'param_select_without_options',
  paramDefaultInvalid: 'param_default_invalid',
  paramUnused: 'param_unused',
  templateSyntax: 'template_syntax',
  templateLiteral: 'template_literal',
  templateUndeclared: 'template_undeclared',
  templateInheritance: 'template_inheritance',
  subRecipeMissing: 'sub_recipe_missing',
  valueUnknownKey: 'value_unknown_key',
  valueInvalid: 'value_invalid',
  valueMissing: 'value_missing',
  valueFileMissing: 'value_file_missing',
  notHeadless: 'not_headless',
  // Pipelines (docs/pipelines.md).
  stepDuplicate: 'step_duplicate',
  stepUnknown: 'step_unknown',
  stepCycle: 'step_cycle',
  stepRecipe: 'step_recipe',
  stepParamUnknown: 'step_param_unknown',
  stepParamMissing: 'step_param_missing',
  handoverType: 'handover_type',
  referenceInvalid: 'reference_invalid',
  expressionInvalid: 'expression_invalid',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

export type Severity = 'error' | 'warning';
export type PathSegment = string | number;

export interface RecipeProblem {
  severity: Severity;
  code: ProblemCode;
  message: string;
  /** Field path such as `parameters[2].input_type`; `""` for the file as a whole. */
  path: string;
  line?: number;
  column?: number;
  /** The values that would have been accepted, when the field has a closed set. */
  allowed?: readonly string[];
  /** The file the problem is in, when it is not the one validated (a pipeline step's recipe). */
  file?: string;
}

/** A problem before it is placed: its path is still a list of segments for the locator. */
export interface Finding extends Omit<RecipeProblem, 'path'> {
  at: PathSegment[];
}

export interface RecipeCheck {
  /** Present when the recipe has no errors. */
  recipe?: Recipe;
  problems: RecipeProblem[];
  headless: { ok: boolean; reasons: string[] };
  /** Bound parameter values: supplied values plus defaults. */
  params: Record<string, string>;
  /**
   * The inner recipe when the file is the desktop app's wrapper form (`{name, recipe: {...}}`):
   * `goose run --recipe` reads only the bare form, so this is what a run must hand to goose.
   */
  unwrapped?: Record<string, unknown>;
}
