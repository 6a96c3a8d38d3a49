// Bundles the Temporal workflow code once, at build time: workers load the file, never bundle at start.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = resolve('dist/engines/temporal/workflows.js');
const out = resolve('dist/engines/temporal/workflow-bundle.js');
const quiet = () => undefined;
const loud = (message) => process.stderr.write(`${message}\n`);
const { code } = await bundleWorkflowCode({
  workflowsPath,
  logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: loud, error: loud },
});
writeFileSync(out, code);
process.stdout.write(`bundled workflows: ${out} (${Math.round(code.length / 1024)} KB)\n`);
