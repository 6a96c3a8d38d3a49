/** `export` on one engine, `import` on the other: every schedule is recreated, field for field. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, sandbox, type Sandbox } from '../../support/harness.js';
import {
  SKIP_TEMPORAL_REASON,
  startTestTemporal,
  temporalBin,
  type TestTemporal,
} from '../../support/temporal.js';

const bin = temporalBin();
let server: TestTemporal;
let box: Sandbox;

describe.skipIf(!bin)(
  `migration between engines${bin ? '' : ` — skipped: ${SKIP_TEMPORAL_REASON}`}`,
  () => {
    beforeAll(async () => {
      server = await startTestTemporal(bin!);
    }, 90_000);
    afterAll(async () => server?.stop());
    beforeEach(() => {
      box = sandbox();
    });
    afterEach(() => box.cleanup());

    it('embedded → temporal → embedded keeps every schedule as it was', async () => {
      const embedded = { ...box.env, GOOSE_FLOW_HOME: join(box.root, 'embedded') };
      const back = { ...box.env, GOOSE_FLOW_HOME: join(box.root, 'back') };
      const temporal = {
        ...box.env,
        GOOSE_FLOW_HOME: join(box.root, 'client'),
        GOOSE_FLOW_ENGINE: 'temporal',
        GOOSE_FLOW_TEMPORAL_ADDRESS: server.address,
      };
      const recipe = box.recipe(
        'report.yaml',
        {},
        'instructions: work on {{ repo }}\nparameters:\n  - key: repo\n    input_type: string\n    requirement: required\n    description: which repo\n',
      );
      const add = async (...args: string[]) => {
        const r = await cli(['schedule', 'add', ...args, '--recipe', recipe], embedded);
        expect(r.code, r.stderr).toBe(0);
        return r;
      };
      expect(
        (
          await add(
            'nightly',
            '--cron',
            '0 30 2 * * *',
            '--tz',
            'Europe/Berlin',
            '-p',
            'repo=goose',
            '--overlap',
            'buffer_one',
            '--timeout',
            '45m',
            '--retries',
            '1',
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await add(
            'hourly',
            '--cron',
            '@hourly',
            '--tz',
            'UTC',
            '-p',
            'repo=flow',
            '--paused',
            '--note',
            'holiday',
            '--remaining',
            '5',
            '--jitter',
            '30s',
          )
        ).code,
      ).toBe(0);
      const first = join(box.root, 'first.yaml');
      expect((await cli(['export', '-o', first], embedded)).code).toBe(0);

      const imported = await cli(['import', first], temporal);
      expect(imported.code, imported.stderr).toBe(0);
      const second = join(box.root, 'second.yaml');
      expect((await cli(['export', '-o', second], temporal)).code).toBe(0);
      expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));

      const returned = await cli(['import', second], back);
      expect(returned.code, returned.stderr).toBe(0);
      const third = join(box.root, 'third.yaml');
      expect((await cli(['export', '-o', third], back)).code).toBe(0);
      expect(readFileSync(third, 'utf8')).toBe(readFileSync(first, 'utf8'));

      // An import that cannot be completed creates nothing on Temporal either (all or none).
      const again = await cli(['import', first], temporal);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists/);
      for (const id of ['nightly', 'hourly']) await cli(['schedule', 'remove', id], temporal);
    });
  },
);
