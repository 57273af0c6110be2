import { request } from 'undici';

/** One event as a client dispatches it, or a comment line. */
export type SseItem =
  | { readonly kind: 'event'; readonly event: string; readonly id: string; readonly data: string }
  | { readonly kind: 'comment'; readonly text: string };

/**
 * Parses a `text/event-stream` body as the WHATWG spec's "interpret an event stream" does: lines
 * end in CRLF, LF or CR; `field: value` (one optional space after the colon); `data` lines are
 * joined with LF; a blank line dispatches an event if it has data; `id` persists across events.
 * Comments are yielded too, so tests can wait on heartbeats.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseItem> {
  const decoder = new TextDecoder();
  let pending = '';
  let lastId = '';
  let event = '';
  let data: string[] = [];
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = /\r\n|\n|\r/.exec(pending);
      // A CR at the very end may be the first half of a CRLF: wait for more.
      if (match === null || (match[0] === '\r' && match.index === pending.length - 1)) break;
      const line = pending.slice(0, match.index);
      pending = pending.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) {
          yield { kind: 'event', event: event || 'message', id: lastId, data: data.join('\n') };
        }
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) {
        yield { kind: 'comment', text: line.slice(1).trim() };
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && !value.includes('\0')) lastId = value;
    }
  }
}

/** An open `GET /watch` (or any event stream) read with undici. */
export interface SseStream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Events and comments as they arrive; ends when the server ends the stream. */
  readonly items: AsyncGenerator<SseItem>;
  /** The next event (skipping comments), or `undefined` once the stream ended. */
  nextEvent(): Promise<Extract<SseItem, { kind: 'event' }> | undefined>;
  /** Closes the connection from the client's side. */
  close(): void;
}

/** Opens `path` on `base` as an event stream (with `headers`, e.g. `Last-Event-ID`). */
export async function openSse(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const res = await request(`${base}${path}`, {
    headers: { accept: 'text/event-stream', ...headers },
  });
  const items = parseSse(res.body);
  return {
    status: res.statusCode,
    headers: res.headers,
    items,
    async nextEvent() {
      for (;;) {
        const next = await items.next();
        if (next.done) return undefined;
        if (next.value.kind === 'event') return next.value;
      }
    },
    close() {
      res.body.destroy();
    },
  };
}
