// The dashboard's API types, generated from the OpenAPI document the server publishes, so the web
// face cannot drift from the API: `tsx scripts/gen-api-types.mjs` writes web/src/api/schema.d.ts;
// `--check` (run by `npm run lint`) fails when the checked-in file is not what the API says now.
// Runs on the sources through tsx: `tsx scripts/gen-api-types.mjs [--check]`.
/* global process */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApp } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { httpApp } from '../src/http/server.js';
import { FeedHub } from '../src/http/feed-hub.js';
import { Metrics } from '../src/http/metrics.js';

const TARGET = 'web/src/api/schema.d.ts';
const HEADER =
  '// Generated from /api/v1/openapi.json by scripts/gen-api-types.mjs — do not edit.\n\n';

async function publishedDocument() {
  const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-api-types-'));
  const env = { ...process.env, GOOSE_FLOW_HOME: join(tmp, 'data') };
  const app = await openApp(
    resolveConfig({ dataDir: env.GOOSE_FLOW_HOME, engine: 'embedded' }, env),
    env,
    {
      warn: () => undefined,
    },
  );
  const hub = new FeedHub(app.events);
  const metrics = new Metrics(app);
  try {
    const web = httpApp(
      app,
      {
        host: '127.0.0.1',
        port: 0,
        probe: false,
        secretKey: null,
        token: null,
        temporalPorts: () => ({ temporal_port: 0, ui_port: 0 }),
      },
      () => 0,
      hub,
      metrics,
    );
    const response = await web.request('http://127.0.0.1/api/v1/openapi.json');
    if (!response.ok) throw new Error(`GET /api/v1/openapi.json: ${response.status}`);
    return await response.json();
  } finally {
    metrics.close();
    hub.close();
    await app.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const text = HEADER + astToString(await openapiTS(await publishedDocument()));
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current !== text) {
    process.stderr.write(
      `${TARGET} is not what the API publishes now: run \`npx tsx scripts/gen-api-types.mjs\` and commit it\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${TARGET} matches the published API\n`);
} else {
  writeFileSync(TARGET, text);
  process.stdout.write(`wrote ${TARGET}\n`);
}
