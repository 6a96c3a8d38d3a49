/**
 * Parameter binding: user-supplied `key=value` strings checked against a recipe's declared
 * parameters, with defaults applied. Values stay strings, as `goose run --params` passes them.
 */
import { UsageError } from '../errors.js';
import {
  INPUT_TYPES,
  InputType,
  ProblemCode,
  REQUIREMENTS,
  Requirement,
  type Finding,
  type Parameter,
  type Severity,
} from './model.js';
import { ParameterSchema, isRecord } from './schema.js';
import { valueProblem } from './param-values.js';

export { valueProblem } from './param-values.js';

export interface ParamBinding {
  /** Supplied values plus defaults, for declared keys only. */
  values: Record<string, string>;
  findings: Finding[];
  /** Required or `user_prompt` parameters with neither a value nor a default. */
  missing: Parameter[];
}

/**
 * Parses one CLI `--param` argument. Splits at the FIRST `=` (as goose does), so values may contain
 * `=`; an empty value is allowed, an empty key is not.
 */
export function parseParamArg(arg: string): { key: string; value: string } {
  const eq = arg.indexOf('=');
  if (eq === -1) {
    throw new UsageError(`--param ${JSON.stringify(arg)}: expected KEY=VALUE (no "=" found)`, {
      arg,
    });
  }
  const key = arg.slice(0, eq).trim();
  if (key === '') {
    throw new UsageError(`--param ${JSON.stringify(arg)}: expected KEY=VALUE (the key is empty)`, {
      arg,
    });
  }
  return { key, value: arg.slice(eq + 1) };
}

/** Parses repeated `--param` arguments; a key given twice keeps its last value, as goose does. */
export function parseParamArgs(args: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const arg of args) {
    const { key, value } = parseParamArg(arg);
    params[key] = value;
  }
  return params;
}

/**
 * Binds supplied values to declared parameters. Unknown keys and ill-typed values are errors
 * (goose would pass them on silently or fail mid-run); missing values are returned in `missing`
 * for the caller to judge, since an interactive goose session could still ask for them.
 */
export function bindParams(
  parameters: readonly Parameter[],
  supplied: Readonly<Record<string, string>>,
): ParamBinding {
  const findings: Finding[] = [];
  const values: Record<string, string> = {};
  const declared = new Map(parameters.map((p) => [p.key, p]));
  for (const [key, value] of Object.entries(supplied)) {
    const param = declared.get(key);
    if (!param) {
      findings.push(unknownKey(key, [...declared.keys()]));
      continue;
    }
    const problem = valueProblem(param, value);
    if (problem) findings.push(invalidValue(param, problem));
    else values[key] = value;
  }
  const missing: Parameter[] = [];
  for (const param of parameters) {
    if (hasKey(values, param.key) || hasKey(supplied, param.key)) continue;
    if (param.default !== undefined) values[param.key] = param.default;
    else if (param.requirement !== Requirement.optional) missing.push(param);
  }
  return { values, findings, missing };
}

function hasKey(record: Readonly<Record<string, string>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function unknownKey(key: string, declared: string[]): Finding {
  const list = declared.length
    ? `declared parameters: ${declared.join(', ')}`
    : 'the recipe declares no parameters';
  return {
    severity: 'error',
    code: ProblemCode.valueUnknownKey,
    message: `--param ${key}: the recipe has no parameter \`${key}\` (${list})`,
    at: ['params', key],
    allowed: declared,
  };
}

function invalidValue(param: Parameter, problem: string): Finding {
  return {
    severity: 'error',
    code: ProblemCode.valueInvalid,
    message: `--param ${param.key}: ${problem} (input_type ${param.input_type})`,
    at: ['params', param.key],
    allowed: param.input_type === InputType.select ? param.options : undefined,
  };
}

/** The declarations that are well-formed; malformed ones are reported by the schema check. */
export function declaredParameters(list: unknown): Parameter[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const parsed = ParameterSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Indices of parameters in the older cookbook shape (`name`/`type`/`required:`). */
export function legacyParameters(list: unknown): Set<number> {
  if (!Array.isArray(list)) return new Set();
  return new Set(list.flatMap((p, i) => (isRecord(p) && !('key' in p) && 'name' in p ? [i] : [])));
}

export function legacyFinding(index: number): Finding {
  return {
    severity: 'error',
    code: ProblemCode.paramLegacyShape,
    message: `parameter uses the legacy \`name\`/\`type\`/\`required\` shape; Goose expects \`key\`, \`input_type\` (${INPUT_TYPES.join(', ')}), \`requirement\` (${REQUIREMENTS.join(', ')}) and \`description\``,
    at: ['parameters', index],
  };
}

interface DeclarationRule {
  applies: (p: Parameter) => boolean;
  severity: Severity;
  code: ProblemCode;
  field?: keyof Parameter;
  says: string;
}

/** Goose's rules for a single declaration (validate_recipe.rs), plus two of our own warnings. */
const DECLARATION_RULES: readonly DeclarationRule[] = [
  {
    applies: (p) => p.requirement === Requirement.optional && p.default === undefined,
    severity: 'error',
    code: ProblemCode.paramOptionalWithoutDefault,
    says: 'is optional but has no `default`; Goose requires a default for optional parameters',
  },
  {
    applies: (p) => p.requirement === Requirement.required && p.default !== undefined,
    severity: 'warning',
    code: ProblemCode.paramRequiredWithDefault,
    field: 'default',
    says: 'is required but has a `default`, which is used when no value is given',
  },
  {
    applies: (p) => p.input_type === InputType.file && p.default !== undefined,
    severity: 'error',
    code: ProblemCode.paramFileDefault,
    field: 'default',
    says: "is a `file` parameter and must not have a `default` (Goose forbids it so a recipe cannot read a user's file unasked)",
  },
  {
    applies: (p) => p.input_type === InputType.select && !p.options?.length,
    severity: 'error',
    code: ProblemCode.paramSelectWithoutOptions,
    says: 'is a `select` parameter and needs a non-empty `options` list',
  },
];

/** Checks every well-formed declaration: the rules above, duplicate keys, and default values. */
export function parameterRules(list: unknown): Finding[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  return list.flatMap((item, i) => {
    const parsed = ParameterSchema.safeParse(item);
    if (!parsed.success) return [];
    const duplicate = seen.has(parsed.data.key);
    seen.add(parsed.data.key);
    return declarationFindings(parsed.data, i, duplicate);
  });
}

function declarationFindings(p: Parameter, i: number, duplicate: boolean): Finding[] {
  const name = `parameter \`${p.key}\``;
  const findings: Finding[] = DECLARATION_RULES.filter((r) => r.applies(p)).map((rule) => ({
    severity: rule.severity,
    code: rule.code,
    message: `${name} ${rule.says}`,
    at: ['parameters', i, ...(rule.field ? [rule.field] : [])],
  }));
  if (duplicate) {
    const message = `${name} is declared twice`;
    findings.unshift({
      severity: 'error',
      code: ProblemCode.paramDuplicate,
      message,
      at: ['parameters', i, 'key'],
    });
  }
  const usable = p.default !== undefined && p.input_type !== InputType.file;
  const bad = usable ? valueProblem(p, p.default ?? '') : undefined;
  if (bad) {
    const message = `default of ${name}: ${bad}`;
    findings.push({
      severity: 'warning',
      code: ProblemCode.paramDefaultInvalid,
      message,
      at: ['parameters', i, 'default'],
    });
  }
  return findings;
}
