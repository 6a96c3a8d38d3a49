#!/usr/bin/env node
/**
 * `temporal-service`: a drop-in for the Go binary Goose starts as its scheduler companion. The same
 * environment contract — `PORT` (default 8080; if taken, the next free port up to +100) and
 * no secret (Goose's client sends none; `GOOSE_FLOW_JOBS_KEY` opts in to one) — and then it is `goose-flow serve`:
 * the engine from `GOOSE_FLOW_ENGINE` (embedded by default), state in the data dir, and everything
 * it started stopped on SIGINT/SIGTERM.
 */
import { runDaemon } from './daemon.js';
import { defaultMaxConcurrent } from '../config.js';
import { describeError, exitCodeForError } from './exit-codes.js';
import { VERSION } from '../version.js';

const USAGE = `Usage: temporal-service [--help] [--version]

goose-flow's drop-in for the temporal-service binary Goose starts as its scheduler: it serves
Goose's /health, /ports and /jobs (and goose-flow's /api/v1) on 127.0.0.1:$PORT and runs the
schedules. It takes no arguments; it is configured through the environment:

  PORT                       the HTTP port (default 8080; if taken, the next free one up to +100)
  GOOSE_FLOW_HOME            the data dir (default ~/.local/share/goose-flow)
  GOOSE_FLOW_JOBS_KEY        opt-in: /jobs then needs this value in X-Secret-Key (Goose sends none)
  GOOSE_FLOW_MAX_CONCURRENT  run at most this many recipes at once (default: no limit, as Goose's service)
  GOOSE_FLOW_TOKEN           bearer token for /api and /metrics
  GOOSE_FLOW_GOOSE_BIN       the goose executable (default: goose on PATH)

The engine is the data dir's (embedded unless it was moved with \`goose-flow engine move\`).
It is \`goose-flow serve --port $PORT\`; see \`goose-flow serve --help\` and docs/api.md.
`;

/** Goose starts it without arguments; a person may ask it what it is. */
function answerArguments(args: readonly string[]): number | null {
  if (args.length === 0) return null;
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  process.stderr.write(
    `temporal-service: unexpected argument '${args[0]}': it takes none (configure it with PORT and GOOSE_FLOW_* variables; --help lists them)\n`,
  );
  return 2;
}

async function main(): Promise<number> {
  const answered = answerArguments(process.argv.slice(2));
  if (answered !== null) return answered;
  const text = process.env.PORT ?? '8080';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`temporal-service: PORT must be a port number (1–65535), got '${text}'\n`);
    return 2;
  }
  return runDaemon({
    maxConcurrent: defaultMaxConcurrent(),
    onShutdown: 'stop',
    logFormat: process.stdout.isTTY ? 'pretty' : 'json',
    http: {
      host: '127.0.0.1',
      port,
      probe: true,
    },
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`temporal-service: ${describeError(err)}\n`);
  process.exitCode = exitCodeForError(err);
}
