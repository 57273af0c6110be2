import type { ClearRecord, LogRecord, Op } from '@hermes/record';

const PLAIN_KEY = /^[A-Za-z0-9:/._\-+=@,]+$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A key as it is when it is plain, else as a JSON string literal (so spaces and `\n` show). */
export function renderKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : JSON.stringify(key);
}

/** The value as UTF-8 text, or `undefined` when it is not text a person can read. */
export function valueAsText(value: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    return undefined;
  }
  // Control characters other than tab and line breaks mean "binary".
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** The value as an escaped JSON string when it is text, else `base64:<data>`. */
export function renderValue(value: Uint8Array): string {
  const text = valueAsText(value);
  return text === undefined
    ? `base64:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`
    : JSON.stringify(text);
}

function renderOp(op: Op): string {
  return op.type === 'set'
    ? `SET ${renderKey(op.key)} ${renderValue(op.value)}`
    : `DEL ${renderKey(op.key)}`;
}

/** The bounds of a clear, lower then upper, as `[name, key]` pairs. */
function clearBounds(record: ClearRecord): [name: 'gt' | 'gte' | 'lt' | 'lte', key: string][] {
  const out: [name: 'gt' | 'gte' | 'lt' | 'lte', key: string][] = [];
  for (const name of ['gt', 'gte', 'lt', 'lte'] as const) {
    const key = record[name];
    if (key !== undefined) out.push([name, key]);
  }
  return out;
}

/**
 * One record as readable text: `SET key "value"`, `DEL key`, `BATCH 2 [SET a "1"; DEL b]`,
 * `CLEAR GTE a LT b`.
 */
export function renderRecord(record: LogRecord): string {
  if (record.type === 'clear') {
    return [
      'CLEAR',
      ...clearBounds(record).map(([n, k]) => `${n.toUpperCase()} ${renderKey(k)}`),
    ].join(' ');
  }
  if (record.type !== 'batch') return renderOp(record);
  return `BATCH ${record.ops.length} [${record.ops.map(renderOp).join('; ')}]`;
}

function opJson(op: Op): Record<string, unknown> {
  if (op.type === 'delete') return { type: 'delete', key: op.key };
  const text = valueAsText(op.value);
  const base64 = Buffer.from(op.value.buffer, op.value.byteOffset, op.value.byteLength).toString(
    'base64',
  );
  return text === undefined
    ? { type: 'set', key: op.key, value: base64 }
    : { type: 'set', key: op.key, value: base64, text };
}

/** One record as a JSON object: values in base64 (`value`), plus `text` when they are UTF-8 text. */
export function recordJson(record: LogRecord): Record<string, unknown> {
  if (record.type === 'clear') return { type: 'clear', ...Object.fromEntries(clearBounds(record)) };
  return record.type === 'batch' ? { type: 'batch', ops: record.ops.map(opJson) } : opJson(record);
}
