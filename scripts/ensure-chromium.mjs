// Test prerequisite: Debian's Chromium for the dashboard's browser tests (playwright-core drives
// it; `npx playwright install` cannot download here). Uses $GOOSE_FLOW_CHROMIUM, or chromium on
// PATH; otherwise installs the `chromium` package with apt-get (as root). Under CI=true, failing to
// get one fails the run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import process from 'node:process';

const ci = process.env.CI === 'true';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function found() {
  if (process.env.GOOSE_FLOW_CHROMIUM)
    return executable(process.env.GOOSE_FLOW_CHROMIUM) ? process.env.GOOSE_FLOW_CHROMIUM : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of ['chromium', 'chromium-browser'])
      if (executable(join(dir, name))) return join(dir, name);
  return null;
}

function say(line) {
  process.stdout.write(`ensure-chromium: ${line}\n`);
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0 ? null : (result.stderr || result.error?.message || 'failed').trim();
}

let bin = found();
if (!bin) {
  const root = process.getuid?.() === 0;
  if (!root) say('no chromium found, and installing it needs root: apt-get install -y chromium');
  else {
    say('no chromium found; installing Debian’s chromium package (apt-get install -y chromium)');
    // A fresh machine may have no package lists yet.
    const failed =
      apt(['install', '-y', '--no-install-recommends', 'chromium']) &&
      (apt(['update']) ?? apt(['install', '-y', '--no-install-recommends', 'chromium']));
    if (failed) say(`apt-get failed: ${failed.split('\n').slice(-3).join(' / ')}`);
    bin = found();
  }
}
if (bin) say(`using ${bin}`);
else if (ci) {
  say(
    'CI=true and no chromium: the browser tests cannot run (install it: apt-get install -y chromium)',
  );
  process.exit(1);
} else say('the browser tests will be skipped (install chromium: apt-get install -y chromium)');
