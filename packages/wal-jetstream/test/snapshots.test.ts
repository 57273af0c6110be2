import { describe, expect, it } from 'vitest';
import { readFailure } from '../src/snapshots.js';

const marker = { upTo: 42, object: 'snap-42-x', bytes: 500_000, records: 3000 };

describe('a failed read of a snapshot object', () => {
  it('is a verdict on the snapshot when the object fails its digest check (a chunk lost or changed)', () => {
    const error = readFailure(
      'orders',
      marker,
      393_216,
      new Error('received a corrupt object, digests do not match\n  expected: SHA-256=...'),
    );
    expect(error).toMatchObject({ code: 'JETSTREAM_BAD_SNAPSHOT' });
    expect(error.message).toContain('snap-42-x');
    expect(error.message).toContain('digest check after 393216 bytes');
  });

  it('says nothing about the snapshot when the read stops for another reason: a timeout to retry', () => {
    const cause = new Error('connection closed');
    const error = readFailure('orders', marker, 131_072, cause);
    expect(error).toMatchObject({ code: 'JETSTREAM_TIMEOUT', cause });
    expect(error.message).toContain('stopped after 131072 of 500000 bytes (connection closed)');
    expect(error.message).toContain('quorum');
  });
});
