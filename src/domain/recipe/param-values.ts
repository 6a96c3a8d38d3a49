/**
 * Whether a value fits a parameter's `input_type`. No schema library: the Temporal workflow
 * bundle (a pipeline's planner checks hand-overs with it) stays small.
 */
import { InputType, type Parameter } from './model.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Why `value` is not acceptable for `param`, or undefined when it is. */
export function valueProblem(param: Parameter, value: string): string | undefined {
  switch (param.input_type) {
    case InputType.string:
      return undefined;
    case InputType.number:
      return value.trim() !== '' && Number.isFinite(Number(value))
        ? undefined
        : `expected a number, got ${JSON.stringify(value)}`;
    case InputType.boolean:
      return value === 'true' || value === 'false'
        ? undefined
        : `expected true or false, got ${JSON.stringify(value)}`;
    case InputType.date:
      return isIsoDate(value)
        ? undefined
        : `expected an ISO date (YYYY-MM-DD) or date-time, got ${JSON.stringify(value)}`;
    case InputType.file:
      return value.trim() !== '' ? undefined : 'expected a file path, got an empty value';
    case InputType.select: {
      const options = param.options ?? [];
      return options.includes(value)
        ? undefined
        : `${JSON.stringify(value)} is not one of the options: ${options.join(', ')}`;
    }
    default: {
      const unreachable: never = param.input_type;
      return `unsupported input_type ${String(unreachable)}`;
    }
  }
}

function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value) && !ISO_DATETIME.test(value)) return false;
  const day = value.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
