import { describe, expect, it } from 'vitest';
import type { LogRecord, RecordErrorCode } from '../src/index.js';
import { encodeRecord, RecordError, resolveLimits } from '../src/index.js';

function codeOf(
  record: unknown,
  limits?: Parameters<typeof resolveLimits>[0],
): RecordErrorCode | 'ok' {
  try {
    encodeRecord(record as LogRecord, resolveLimits(limits));
    return 'ok';
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    expect(e.message.length).toBeGreaterThan(20);
    return e.code;
  }
}

const value = (n: number): Uint8Array => new Uint8Array(n);

describe('encodeRecord', () => {
  it('writes the line shape of FORMAT.md', () => {
    const line = encodeRecord({ type: 'set', key: 'k', value: Buffer.from('hi') }).toString(
      'latin1',
    );
    expect(line).toMatch(/^[0-9a-f]{8} SET k aGk=\n$/);
    const batch = encodeRecord({
      type: 'batch',
      ops: [
        { type: 'set', key: 'a', value: Buffer.from('hi') },
        { type: 'delete', key: 'b' },
      ],
    }).toString('latin1');
    expect(batch).toMatch(/^[0-9a-f]{8} BATCH 2 SET a aGk= DEL b\n$/);
  });

  it('RECORD_KEY_NOT_WELL_FORMED: lone surrogates', () => {
    expect(codeOf({ type: 'delete', key: '\uD800' })).toBe('RECORD_KEY_NOT_WELL_FORMED');
    expect(codeOf({ type: 'delete', key: 'a\uDC00b' })).toBe('RECORD_KEY_NOT_WELL_FORMED');
    expect(codeOf({ type: 'set', key: '\uDBFF', value: value(1) })).toBe(
      'RECORD_KEY_NOT_WELL_FORMED',
    );
    expect(codeOf({ type: 'delete', key: '\uD83D\uDE00' })).toBe('ok');
  });

  it('RECORD_KEY_TOO_LARGE: counts UTF-8 bytes, not characters', () => {
    expect(codeOf({ type: 'delete', key: 'abcd' }, { maxKeyBytes: 4 })).toBe('ok');
    expect(codeOf({ type: 'delete', key: 'abcde' }, { maxKeyBytes: 4 })).toBe(
      'RECORD_KEY_TOO_LARGE',
    );
    expect(codeOf({ type: 'delete', key: 'éé' }, { maxKeyBytes: 4 })).toBe('ok');
    expect(codeOf({ type: 'delete', key: 'ééa' }, { maxKeyBytes: 4 })).toBe('RECORD_KEY_TOO_LARGE');
    expect(codeOf({ type: 'delete', key: '' }, { maxKeyBytes: 0 })).toBe('ok');
  });

  it('RECORD_VALUE_TOO_LARGE', () => {
    expect(codeOf({ type: 'set', key: 'k', value: value(8) }, { maxValueBytes: 8 })).toBe('ok');
    expect(codeOf({ type: 'set', key: 'k', value: value(9) }, { maxValueBytes: 8 })).toBe(
      'RECORD_VALUE_TOO_LARGE',
    );
  });

  it('RECORD_BATCH_EMPTY and RECORD_BATCH_TOO_LARGE', () => {
    expect(codeOf({ type: 'batch', ops: [] })).toBe('RECORD_BATCH_EMPTY');
    const ops = [
      { type: 'delete', key: 'a' },
      { type: 'delete', key: 'b' },
    ];
    expect(codeOf({ type: 'batch', ops }, { maxBatchOps: 2 })).toBe('ok');
    expect(codeOf({ type: 'batch', ops: [...ops, ops[0]] }, { maxBatchOps: 2 })).toBe(
      'RECORD_BATCH_TOO_LARGE',
    );
  });

  it('RECORD_LINE_TOO_LARGE: the whole line, newline included', () => {
    const record = { type: 'set', key: 'k', value: value(3) };
    const length = encodeRecord(record as LogRecord).length;
    expect(codeOf(record, { maxLineBytes: length })).toBe('ok');
    expect(codeOf(record, { maxLineBytes: length - 1 })).toBe('RECORD_LINE_TOO_LARGE');
  });

  it('RECORD_INVALID: what is not a record', () => {
    const bad: unknown[] = [
      null,
      undefined,
      'SET k v',
      {},
      { type: 'put', key: 'k', value: value(1) },
      { type: 'set', key: 1, value: value(1) },
      { type: 'delete' },
      { type: 'set', key: 'k', value: 'text' },
      { type: 'set', key: 'k', value: [1, 2] },
      { type: 'set', key: 'k' },
      { type: 'batch' },
      { type: 'batch', ops: [{ type: 'batch', ops: [{ type: 'delete', key: 'k' }] }] },
      { type: 'batch', ops: [null] },
    ];
    for (const record of bad) expect(codeOf(record), JSON.stringify(record)).toBe('RECORD_INVALID');
  });
});
