/**
 * Server-Sent Events: `GET /api/v1/events` (run events and schedule decisions, all or one run's
 * or one schedule's) and `GET /api/v1/runs/{id}/log-stream` (a run's log lines). Both resume from
 * `Last-Event-ID` (or `?after=`), so a reconnecting client misses nothing.
 */
import { streamSSE } from 'hono/streaming';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { feedItemMatches, type FeedItem } from '../../services/events.js';
import { parseCursor } from '../../services/events.js';
import { isTerminal } from '../../domain/run-status.js';
import { UsageError } from '../../domain/errors.js';
import { eventJson, occurrenceJson } from '../../views/json.js';
import type { FeedHub } from '../feed-hub.js';
import { LogTail } from '../../services/log-tail.js';
import { errorBody, statusOf } from './errors.js';

const KEEPALIVE_MS = 15_000;
const LOG_POLL_MS = 100;

function itemJson(item: FeedItem) {
  return item.kind === 'run'
    ? {
        kind: 'run' as const,
        runId: item.event.runId,
        scheduleId: item.scheduleId,
        ...eventJson(item.event),
      }
    : {
        kind: 'decision' as const,
        scheduleId: item.decision.scheduleId,
        ...occurrenceJson(item.decision),
      };
}

export function registerEvents(api: OpenAPIHono, app: App, hub: FeedHub): void {
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/events',
    tags: ['events'],
    summary:
      'Server-Sent Events: run events (`event: run`), schedule decisions (`event: decision`) and, with `logs=true`, log lines (`event: log`); resume with Last-Event-ID',
    request: {
      query: z.object({
        runId: z.string().optional(),
        scheduleId: z.string().optional(),
        after: z.string().optional().openapi({ description: 'a Last-Event-ID to resume from' }),
        logs: z.enum(['true', 'false']).optional().openapi({
          description:
            'also the log lines of the runs it covers (`event: log`, no id: live only; a resume replays state changes, `/runs/{id}/log-stream` a whole log)',
        }),
      }),
    },
    responses: {
      200: {
        description: 'an event stream',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
  });
  api.get('/events', async (c) => {
    const runId = c.req.query('runId');
    const scheduleId = c.req.query('scheduleId');
    const logs = c.req.query('logs');
    if (logs !== undefined && logs !== 'true' && logs !== 'false') {
      const err = new UsageError(`query 'logs': expected true or false, got '${logs}'`, {
        field: 'logs',
      });
      return c.json(errorBody(err), statusOf(err));
    }
    const withLogs = logs === 'true';
    const from = c.req.header('last-event-id') ?? c.req.query('after') ?? null;
    if (from !== null) {
      try {
        parseCursor(from);
      } catch {
        const err = new UsageError(`'${from}' is not an event id this server handed out`, {
          field: 'Last-Event-ID',
        });
        return c.json(errorBody(err), statusOf(err));
      }
    }
    const accept = (item: FeedItem) => feedItemMatches(item, { runId, scheduleId });
    return streamSSE(c, async (stream) => {
      let open = true;
      const queue: FeedItem[] = [];
      let wake: (() => void) | null = null;
      const stop = await hub.subscribe(
        from,
        accept,
        (item) => {
          queue.push(item);
          wake?.();
        },
        () => {
          open = false;
          wake?.();
        },
      );
      stream.onAbort(() => {
        open = false;
        stop();
        wake?.();
      });
      const tail = withLogs
        ? new LogTail(app.runs, app.logs, app.engine === 'temporal' ? 500 : LOG_POLL_MS, {
            runId,
            scheduleId,
          })
        : null;
      await tail?.seed();
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ exact: app.events.exact }) });
      // Until woken by a new item or the end of the stream (cleared then: a stream that ended
      // must not hold the process open).
      const pause = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }).then(() => void (wake = null));
      let tailedAt = 0;
      let lastWrite = Date.now();
      while (open) {
        const item = queue.shift();
        if (item) {
          tail?.hear(item);
          await stream.writeSSE({
            id: item.cursor,
            event: item.kind,
            data: JSON.stringify(itemJson(item)),
          });
          lastWrite = Date.now();
          continue;
        }
        const tailing = tail !== null && tail.size > 0;
        if (tailing && Date.now() - tailedAt >= tail.pollMs) {
          tailedAt = Date.now();
          // Log lines have no id: a resume replays state changes, never half a log.
          for (const line of await tail.poll()) {
            await stream.writeSSE({ event: 'log', data: JSON.stringify(line) });
            lastWrite = Date.now();
          }
        }
        if (Date.now() - lastWrite >= KEEPALIVE_MS) {
          await stream.write(': keepalive\n\n');
          lastWrite = Date.now();
        }
        await pause(tailing ? tail.pollMs : KEEPALIVE_MS - (Date.now() - lastWrite));
      }
      stop();
    });
  });

  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/runs/{id}/log-stream',
    tags: ['runs'],
    summary:
      "Server-Sent Events of a run's log (`event: log`, id `<attempt>:<offset>`), until the run ends; resume with Last-Event-ID",
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: {
        description: 'an event stream',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
  });
  api.get('/runs/:id/log-stream', async (c) => {
    const runId = c.req.param('id');
    let detail;
    try {
      detail = await app.runs.show(runId);
    } catch (err) {
      return c.json(errorBody(err), statusOf(err));
    }
    const resume = /^(\d+):(\d+)$/.exec(
      c.req.header('last-event-id') ?? c.req.query('after') ?? '',
    );
    const offsets = new Map<number, number>();
    if (resume) {
      const attempt = Number(resume[1]);
      for (const a of detail.attempts)
        if (a.number < attempt) offsets.set(a.number, Number.MAX_SAFE_INTEGER);
      offsets.set(attempt, Number(resume[2]));
    }
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      while (open) {
        const d = await app.runs.show(runId);
        for (const attempt of d.attempts) {
          for (const range of app.logs.chunksFrom(d, attempt, offsets.get(attempt.number) ?? 0)) {
            if (!open) break;
            offsets.set(attempt.number, range.nextOffset);
            await stream.writeSSE({
              id: `${attempt.number}:${range.nextOffset}`,
              event: 'log',
              data: JSON.stringify({
                attempt: attempt.number,
                offset: range.offset,
                data: range.data.toString('utf8'),
              }),
            });
          }
        }
        if (isTerminal(d.run.status)) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ status: d.run.status }) });
          return;
        }
        await stream.sleep(LOG_POLL_MS);
      }
    });
  });
}
