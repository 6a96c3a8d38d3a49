import { Command } from 'commander';
import { intFlag, withApp } from '../context.js';
import {
  feedItemMatches,
  feedItemTime,
  type EventService,
  type FeedItem,
} from '../../services/events.js';
import { parseCursor } from '../../services/events.js';
import { UsageError } from '../../domain/errors.js';
import { LogTail, type TailedLine } from '../../services/log-tail.js';
import { eventJson, occurrenceJson } from '../../views/json.js';
import { withHelp } from '../help.js';

const POLL_MS = 100;

/** The live event feed in the terminal: what `GET /api/v1/events` streams, as lines or JSON lines. */
export function eventsCommand(): Command {
  const events = new Command('events')
    .description('run events and schedule decisions as they happen (the feed behind the SSE API)')
    .option('--follow', 'keep printing new events until interrupted')
    .option(
      '--after <id>',
      'start after this event id (as printed, or an SSE Last-Event-ID; 0 = from the very start)',
    )
    .option(
      '--last <n>',
      'first print the newest n events (default 20 when neither --after nor --follow is given)',
      intFlag('--last', { min: 1, max: 10_000 }),
    )
    .option('--run <id>', 'only the events of this run')
    .option('--schedule <id>', 'only the decisions and runs of this schedule')
    .option('--logs', 'with --follow: also the log lines of the runs it covers (live only)')
    .option('--json', 'one JSON object per line')
    .action(
      async (
        flags: {
          follow?: boolean;
          after?: string;
          run?: string;
          schedule?: string;
          logs?: boolean;
          json?: boolean;
          last?: number;
        },
        cmd: Command,
      ) => {
        if (flags.logs && !flags.follow)
          throw new UsageError(
            '--logs streams log lines as they are written: use it with --follow',
          );
        if (flags.after !== undefined) {
          try {
            parseCursor(flags.after);
          } catch {
            throw new UsageError(`--after '${flags.after}' is not an event id`);
          }
        }
        await withApp(
          cmd,
          async (app) => {
            const stop = new AbortController();
            const onSignal = () => stop.abort();
            process.once('SIGINT', onSignal);
            process.once('SIGTERM', onSignal);
            const filter = { runId: flags.run, scheduleId: flags.schedule };
            const accept = (item: FeedItem) => feedItemMatches(item, filter);
            const last = flags.last ?? (flags.after === undefined && !flags.follow ? 20 : 0);
            let cursor = flags.after ?? (await app.events.head());
            if (last > 0 && flags.after === undefined) {
              const recent = await newest(app.events, last, accept);
              for (const item of recent.items) process.stdout.write(line(item, flags.json) + '\n');
              cursor = recent.cursor;
              if (!flags.follow) return;
            }
            const tail = flags.logs
              ? new LogTail(app.runs, app.logs, app.engine === 'temporal' ? 500 : POLL_MS, filter)
              : null;
            await tail?.seed();
            // On stderr, so a reader of the events knows from when on it sees everything.
            if (flags.follow)
              process.stderr.write(`following events after ${cursor} (Ctrl-C stops)\n`);
            try {
              for (;;) {
                const { items, cursor: next } = await app.events.since(cursor, 500);
                cursor = next;
                for (const item of items.filter(accept)) {
                  tail?.hear(item);
                  process.stdout.write(line(item, flags.json) + '\n');
                }
                for (const l of tail && tail.size > 0 ? await tail.poll() : [])
                  process.stdout.write(
                    flags.json ? JSON.stringify({ kind: 'log', ...l }) + '\n' : prefixed(l),
                  );
                if (items.length === 500) continue;
                if (!flags.follow || stop.signal.aborted) return;
                await new Promise((r) => setTimeout(r, POLL_MS));
                if (stop.signal.aborted) return;
              }
            } finally {
              process.off('SIGINT', onSignal);
              process.off('SIGTERM', onSignal);
            }
          },
          {},
          { recover: false },
        );
      },
    );
  return withHelp(events, {
    notes: `Without flags it prints the newest 20 events; --follow then keeps printing new ones (from now,
or after --last n of the newest); --after prints everything since that id.
On the Temporal engine the feed comes from visibility: run starts and ends (a run's own timeline,
\`runs show\`, has its attempts), and "newest" means of the last day.`,
    examples: [
      'goose-flow events',
      'goose-flow events --follow --logs',
      'goose-flow events --after 0 --json --schedule nightly',
      'goose-flow events --last 5 --follow --run r-20261127-041327-3727365010',
    ],
  });
}

/** The newest `count` items (of those `accept` takes), oldest first, and the cursor after them. */
async function newest(
  feed: EventService,
  count: number,
  accept: (item: FeedItem) => boolean,
): Promise<{ items: FeedItem[]; cursor: string }> {
  let cursor = await feed.recent(count);
  const seen: FeedItem[] = [];
  for (;;) {
    const page = await feed.since(cursor, 500);
    cursor = page.cursor;
    seen.push(...page.items.filter(accept));
    // Bounded: the embedded cursor is at most 2 × count items back; Temporal's is one day.
    if (page.items.length < 500 || seen.length > 50_000) break;
  }
  // Run events and decisions are two sequences: the newest of both, in time order.
  return { items: seen.sort((a, b) => feedItemTime(a) - feedItemTime(b)).slice(-count), cursor };
}

/** Log text with `<run> #<attempt> | ` at the start of each of its lines (chunks may split lines). */
const midLine = new Set<string>();
function prefixed(l: TailedLine): string {
  const key = `${l.runId}#${l.attempt}`;
  let out = '';
  for (const piece of l.data.split(/(?<=\n)/)) {
    if (piece === '') continue;
    out += (midLine.has(key) ? '' : `${l.runId} #${l.attempt} | `) + piece;
    if (piece.endsWith('\n')) midLine.delete(key);
    else midLine.add(key);
  }
  return out;
}

function line(item: FeedItem, json: boolean | undefined): string {
  if (item.kind === 'run') {
    const e = eventJson(item.event);
    if (json)
      return JSON.stringify({ id: item.cursor, kind: 'run', runId: item.event.runId, ...e });
    const data = Object.entries(e.data)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${item.cursor}  ${e.at}  run ${item.event.runId}  ${e.type}${e.attempt ? ` #${e.attempt}` : ''}${data ? `  ${data}` : ''}`;
  }
  const d = occurrenceJson(item.decision);
  if (json)
    return JSON.stringify({
      id: item.cursor,
      kind: 'decision',
      scheduleId: item.decision.scheduleId,
      ...d,
    });
  return `${item.cursor}  ${d.decidedAt}  schedule ${item.decision.scheduleId}  ${d.source} ${d.decision}  scheduled ${d.scheduledAt}${d.runId ? `  run ${d.runId}` : ''}`;
}
