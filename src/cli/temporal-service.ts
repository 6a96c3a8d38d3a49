#!/usr/bin/env node
/**
 * `temporal-service`: a drop-in for the Go binary Goose starts as its scheduler companion. The same
 * environment contract — `PORT` (default 8080; if taken, the next free port up to +100) and
 * `TEMPORAL_SECRET_KEY` (the `X-Secret-Key` of `/jobs`) — and then it is `goose-flow serve`:
 * the engine from `GOOSE_FLOW_ENGINE` (embedded by default), state in the data dir, and everything
 * it started stopped on SIGINT/SIGTERM.
 */
import { runDaemon } from './daemon.js';
import { defaultMaxConcurrent } from '../config.js';
import { describeError, exitCodeForError } from './exit-codes.js';

async function main(): Promise<number> {
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
      secretKey: process.env.TEMPORAL_SECRET_KEY || null,
    },
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`temporal-service: ${describeError(err)}\n`);
  process.exitCode = exitCodeForError(err);
}
