/**
 * Pipeline files for tests: step recipes the goose stand-in runs (its directives, the output it
 * hands over, declared params and a `response.json_schema`), and the pipeline file that chains
 * them, written into a test's scratch folder (recipes are relative to the pipeline file).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StepRecipe {
  /** `# goose-standin:` directives (`exit=1`, `wait_file=<path>`, `fail_unless=<path>`…). */
  readonly directives?: Record<string, string | number>;
  /** What the stand-in hands over (`{{ key }}` takes a param's value). */
  readonly output?: string;
  readonly params?: Record<string, 'string' | 'number'>;
  /** A `response.json_schema`: the output is then structured (one JSON line). */
  readonly schema?: Record<string, unknown>;
}

export function writeStepRecipe(folder: string, name: string, r: StepRecipe = {}): string {
  const params = Object.entries(r.params ?? {});
  const lines = [
    `# goose-standin: ${Object.entries(r.directives ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    ...(r.output ? [`# goose-standin-output: ${r.output}`] : []),
    'version: "1.0.0"',
    `title: ${name}`,
    'description: a pipeline step',
    `prompt: do ${params.map(([k]) => `{{ ${k} }}`).join(' ') || 'it'}`,
    ...(params.length
      ? [
          'parameters:',
          ...params.flatMap(([k, t]) => [
            `  - key: ${k}`,
            `    input_type: ${t}`,
            '    requirement: required',
            `    description: ${k}`,
          ]),
        ]
      : []),
    ...(r.schema ? ['response:', `  json_schema: ${JSON.stringify(r.schema)}`] : []),
  ];
  const file = join(folder, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A pipeline file (JSON is YAML); returns its path. */
export function writePipeline(folder: string, name: string, doc: Record<string, unknown>): string {
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
