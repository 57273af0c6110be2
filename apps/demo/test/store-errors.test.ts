import { ShardedStore, StoreError } from '@hermes/store';
import { RecordError } from '@hermes/wal';
import { describe, expect, it } from 'vitest';
import { answerCodeOf, storeErrorToHttp } from '../src/store-errors.js';

/** A `StoreError` refusing input over a codec limit, as the durable store raises it. */
function overLimit(
  code: 'STORE_INVALID_KEY' | 'STORE_INVALID_VALUE' | 'STORE_INVALID_BATCH',
  limit: string,
) {
  return new StoreError(code, `over ${limit}`, {
    cause: new RecordError(limit as never, `over ${limit}`),
  });
}

describe("storeErrorToHttp of the store layer's one error class", () => {
  const store = new ShardedStore();

  it.each([
    [overLimit('STORE_INVALID_KEY', 'RECORD_KEY_TOO_LARGE'), 400, 'KEY_TOO_LARGE'],
    [overLimit('STORE_INVALID_VALUE', 'RECORD_VALUE_TOO_LARGE'), 413, 'VALUE_TOO_LARGE'],
    [overLimit('STORE_INVALID_BATCH', 'RECORD_BATCH_TOO_LARGE'), 413, 'BATCH_TOO_LARGE'],
    [overLimit('STORE_INVALID_BATCH', 'RECORD_LINE_TOO_LARGE'), 413, 'BATCH_TOO_LARGE'],
    [new StoreError('STORE_INVALID_KEY', 'a lone surrogate'), 400, 'BAD_KEY'],
  ])('answers %s with %i %s, its message kept', (error, status, code) => {
    const answer = storeErrorToHttp(error, store);
    expect(answer.status).toBe(status);
    expect(answer.code).toBe(code);
    expect(answer.message).toBe(error.message);
  });

  it('answers by the codec code a StoreError carries as cause, else by its own code', () => {
    expect(answerCodeOf(overLimit('STORE_INVALID_KEY', 'RECORD_KEY_TOO_LARGE'))).toBe(
      'RECORD_KEY_TOO_LARGE',
    );
    expect(answerCodeOf(new StoreError('STORE_INVALID_KEY', 'bad'))).toBe('STORE_INVALID_KEY');
    expect(
      answerCodeOf(
        new StoreError('STORE_CLOSED', 'closed', { cause: new RecordError('RECORD_INVALID', 'x') }),
      ),
    ).toBe('STORE_CLOSED');
    expect(answerCodeOf(new Error('no code'))).toBeUndefined();
  });
});
