import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EnvironmentError } from '../../domain/errors.js';

export const GOOSE_BIN_ENV = 'GOOSE_FLOW_GOOSE_BIN';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds the goose executable: `$GOOSE_FLOW_GOOSE_BIN` if set, else `goose` on PATH. */
export function resolveGooseBinary(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[GOOSE_BIN_ENV];
  if (configured) {
    const path = isAbsolute(configured) ? configured : resolve(configured);
    if (isExecutableFile(path)) return path;
    throw new EnvironmentError(
      'goose_not_found',
      `${GOOSE_BIN_ENV} is set to ${configured}, but that is not an executable file`,
      { [GOOSE_BIN_ENV]: configured },
    );
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, 'goose');
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new EnvironmentError(
    'goose_not_found',
    `goose was not found on PATH. Install Goose (https://block.github.io/goose/docs/getting-started/installation) ` +
      `or set ${GOOSE_BIN_ENV} to the path of the goose executable.`,
    { PATH: env.PATH ?? '' },
  );
}

export interface GooseRunInvocation {
  readonly bin: string;
  readonly recipeFile: string;
  readonly sessionName: string;
  readonly scheduleId: string | null;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The attempt command, as the Go temporal-service ran it (plus our params). Every value goes in
 * its option's own argument (`--name=<value>`): a job id or parameter that starts with `-` (Goose
 * names jobs in free text) can never be read by goose as an option of its own.
 */
export function gooseRunArgs(inv: GooseRunInvocation): { command: string; args: string[] } {
  const args = ['run', `--recipe=${inv.recipeFile}`, `--name=${inv.sessionName}`];
  if (inv.scheduleId) args.push(`--scheduled-job-id=${inv.scheduleId}`);
  for (const [key, value] of Object.entries(inv.params)) args.push(`--params=${key}=${value}`);
  return { command: inv.bin, args };
}
