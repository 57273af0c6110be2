import type { Change } from '@hermes/wal-store';

/** One Server-Sent Event: its `event:` type, optional `id:`, and `data:` (a JSON value). */
export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: unknown;
  /** A `retry:` field, the reconnection delay the client should use, in ms. */
  readonly retry?: number;
}

/**
 * Formats `event` in the `text/event-stream` format: one field a line, a blank line after. The
 * data is one line of JSON (JSON never holds a raw line break), so it is one `data:` field.
 */
export function formatEvent(event: SseEvent): string {
  let text = '';
  if (event.retry !== undefined) text += `retry: ${event.retry}\n`;
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  return `${text}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line (ignored by clients; keeps proxies and load balancers from timing out). */
export function formatComment(text: string): string {
  return `: ${text.replaceAll(/[\r\n]/g, ' ')}\n\n`;
}

/** A value as standard padded base64, as `POST /batch` takes values. */
function base64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

/**
 * The event of one change of the store's feed: its type as `event:`, its id as `id:`, and as
 * data `{ key, value }` (set, value in base64), `{ key }` (delete), `{ ops }` (batch, ops as
 * `POST /batch` takes them: `{ type, key, value? }`, the library's vocabulary), `{}` (clear of every key), `{ range, keys }` (clear of a range: its
 * bounds and the watched keys it removed) or `{ reason, message }` (resync).
 */
export function changeEvent(change: Change): SseEvent {
  const { id } = change;
  switch (change.type) {
    case 'set':
      return { event: 'set', id, data: { key: change.key, value: base64(change.value) } };
    case 'delete':
      return { event: 'delete', id, data: { key: change.key } };
    case 'batch':
      return {
        event: 'batch',
        id,
        data: {
          ops: change.ops.map((op) =>
            op.type === 'set'
              ? { type: 'set', key: op.key, value: base64(op.value) }
              : { type: 'delete', key: op.key },
          ),
        },
      };
    case 'clear':
      // A ranged clear (made through the library, or by another node of a replicated log)
      // names its bounds and the watched keys it removed; a whole clear names nothing.
      return {
        event: 'clear',
        id,
        data: change.range === undefined ? {} : { range: change.range, keys: change.keys },
      };
    case 'resync':
      return {
        event: 'resync',
        id,
        data: {
          reason: change.reason,
          message:
            change.reason === 'expired'
              ? 'The changes after Last-Event-ID are no longer held: re-read the keys you watch, then go on from this event.'
              : 'Last-Event-ID is not a position of this run of the service (it restarted since): re-read the keys you watch, then go on from this event.',
        },
      };
  }
}
