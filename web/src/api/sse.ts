/**
 * Server-Sent Events over fetch: EventSource cannot send the bearer token, this can. Reconnects
 * with Last-Event-ID (the server resumes from it) after a pause that grows to 5 s.
 */
import { authHeaders } from './token';

export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

export interface SseOptions {
  readonly onMessage: (message: SseMessage) => void;
  /** Connected (true) or lost (false). */
  readonly onState?: (connected: boolean) => void;
  readonly signal: AbortSignal;
  /** Stop, not reconnect, after an `end` event (a finished log stream). */
  readonly endEvent?: string;
}

export async function followSse(url: string, options: SseOptions): Promise<void> {
  let lastId: string | null = null;
  let pause = 250;
  while (!options.signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
      if (lastId) headers['last-event-id'] = lastId;
      const response = await fetch(url, { headers, signal: options.signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      options.onState?.(true);
      pause = 250;
      const ended = await readEvents(response.body, (m) => {
        if (m.id !== null) lastId = m.id;
        options.onMessage(m);
        return m.event === options.endEvent;
      });
      if (ended) return;
    } catch {
      if (options.signal.aborted) return;
    }
    options.onState?.(false);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(5_000, pause * 2);
  }
}

/** Parses the stream; resolves true when `handle` says the stream is over. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  handle: (m: SseMessage) => boolean,
): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let id: string | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
      if (line === '') {
        if (data.length > 0 && handle({ event, data: data.join('\n'), id })) {
          await reader.cancel();
          return true;
        }
        event = 'message';
        data = [];
        id = null;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value2 = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value2;
      else if (field === 'data') data.push(value2);
      else if (field === 'id') id = value2;
    }
  }
}
