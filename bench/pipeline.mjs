// Step-to-step hand-over on the embedded engine: a chain of steps, each taking the previous step's
// output as a parameter, run end to end; the gap is from one step's run settling (endedAt) to the
// next step's attempt starting (startedAt) — output taken from the log, planning, the hand-over
// rendered and checked, the step snapshotted, its run recorded, its goose spawned.
// Target: p99 <= 50 ms.
//
// With `temporal` as third argument the same pipelines run on a Temporal dev server (started by a
// `serve --engine temporal`, driven by an in-process worker): no target there, for comparison.
//
//   node bench/pipeline.mjs [steps=20] [pipelines=10] [embedded|temporal]
/* global process, console, URL */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../dist/app.js';
import { resolveConfig } from '../dist/config.js';
import { summary } from './support.mjs';

const STEPS = Number(process.argv[2] ?? 20);
const PIPELINES = Number(process.argv[3] ?? 10);
const ENGINE = process.argv[4] ?? 'embedded';
const TARGET_P99_MS = 50;

const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-pipeline-'));
// goose as cheap as it gets, printing a final text after a tool call as goose does.
const exe = join(tmp, 'goose');
writeFileSync(
  exe,
  '#!/bin/sh\nprintf "\\u25b8 shell developer\\n    command: x\\n\\nhanded over\\n"\n',
);
chmodSync(exe, 0o755);
writeFileSync(
  join(tmp, 'step.yaml'),
  [
    'version: "1.0.0"',
    'title: step',
    'description: one link of the chain',
    'prompt: continue from {{ text }}',
    'parameters:',
    '  - key: text',
    '    input_type: string',
    '    requirement: required',
    '    description: the previous output',
  ].join('\n'),
);
const steps = Array.from({ length: STEPS }, (_, i) => ({
  id: `s${i}`,
  recipe: 'step.yaml',
  ...(i === 0
    ? { params: { text: 'start' } }
    : { needs: [`s${i - 1}`], params: { text: `\${steps.s${i - 1}.output}` } }),
}));
const pipeline = join(tmp, 'chain.json');
writeFileSync(pipeline, JSON.stringify({ name: 'chain', steps }));

/** `serve --engine temporal` with its dev server; resolves with its address once it serves. */
async function temporalServer(home) {
  mkdirSync(home, { recursive: true });
  const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--engine', 'temporal', '--log-format', 'json'],
    {
      env: { ...process.env, GOOSE_FLOW_HOME: home, GOOSE_FLOW_GOOSE_BIN: exe },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on(
      'line',
      (l) => l.includes('serve_started') && resolve(),
    );
    void exited.then((code) => reject(new Error(`serve exited ${code}`)));
  });
  const { address } = JSON.parse(readFileSync(join(home, 'temporal-server.json'), 'utf8'));
  return { address, stop: async () => (child.kill('SIGTERM'), await exited) };
}

const server = ENGINE === 'temporal' ? await temporalServer(join(tmp, 'server')) : null;
const env = {
  ...process.env,
  GOOSE_FLOW_GOOSE_BIN: exe,
  GOOSE_FLOW_ENGINE: ENGINE,
  ...(server
    ? {
        GOOSE_FLOW_TEMPORAL_ADDRESS: server.address,
        GOOSE_FLOW_TEMPORAL_TASK_QUEUE: 'bench-pipeline',
      }
    : {}),
};
const app = await openApp(resolveConfig({ dataDir: join(tmp, 'data') }, env), env, {
  warn: () => undefined,
  ...(server ? { serving: 'worker' } : {}),
});
if (server) await app.serve({ maxConcurrent: 8, log: () => undefined });
const options = app.runs.defaultOptions();
const gaps = [];
const overheads = [];
try {
  for (let p = 0; p < PIPELINES; p++) {
    const prepared = app.runs.prepare({ recipe: pipeline, params: {}, options });
    const run = await (await app.runs.start(prepared)).settled;
    if (run.status !== 'succeeded')
      throw new Error(`pipeline ${run.id} ended ${run.status}: ${run.error}`);
    const detail = await app.runs.show(run.id);
    const byId = new Map(detail.stepRuns.map((r) => [r.id, r]));
    const chain = steps.map((s) => byId.get(`${run.id}:${s.id}`));
    for (let i = 1; i < chain.length; i++) gaps.push(chain[i].startedAt - chain[i - 1].endedAt);
    const inSteps = chain.reduce((n, r) => n + (r.endedAt - r.startedAt), 0);
    overheads.push((run.endedAt - run.startedAt - inSteps) / STEPS);
  }
} finally {
  await app.close();
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const gap = summary(gaps);
const result = {
  benchmark: `pipeline step hand-over (${ENGINE})`,
  steps: STEPS,
  pipelines: PIPELINES,
  handOverMs: gap,
  overheadPerStepMs: summary(overheads.map((x) => Math.round(x * 10) / 10)),
  targetP99Ms: server ? null : TARGET_P99_MS,
  met: server ? null : gap.p99 <= TARGET_P99_MS,
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
};
console.log(JSON.stringify(result, null, 2));
process.exitCode = result.met === false ? 1 : 0;
