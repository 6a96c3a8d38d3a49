import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/**
 * The daemon's log: JSON lines (pino) for machines, or one readable line per event on a terminal.
 * Secrets never reach it: callers log ids, statuses and times, not params or environments.
 */
export function daemonLogger(
  format: 'json' | 'pretty',
  out: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'pretty') return pino(options, prettyStream(out));
  return out === process.stdout ? pino(options) : pino(options, out);
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const {
          time,
          level,
          msg,
          pid: _pid,
          ...fields
        } = JSON.parse(line) as Record<string, unknown>;
        const extra = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        out.write(
          `${String(time).slice(11, 23)} ${(LEVELS[Number(level)] ?? 'info').padEnd(5)} ${String(msg)}${extra ? `  ${extra}` : ''}\n`,
        );
      }
      done();
    },
  });
}
