import { LockedStore } from '@hermes/store';
import { JetStreamLogError, type JetStreamLogErrorCode } from '@hermes/wal-jetstream';
import { describe, expect, it } from 'vitest';
import { errorTextOf } from '../src/redis/errors.js';
import { storeErrorToHttp } from '../src/store-errors.js';

const failure = (code: JetStreamLogErrorCode): JetStreamLogError =>
  new JetStreamLogError(code, `What the log says about ${code}.`);

describe('a write that failed on a replicated log, over HTTP', () => {
  it.each([
    ['JETSTREAM_PUBLISH_FAILED', 503, 'LOG_UNREACHABLE'],
    ['JETSTREAM_TIMEOUT', 503, 'LOG_UNREACHABLE'],
    ['JETSTREAM_CONFLICT', 409, 'WRITE_CONFLICT'],
    ['JETSTREAM_TOO_LARGE', 413, 'VALUE_TOO_LARGE'],
  ] as const)("%s is %i %s with the log's message, not 500 INTERNAL", (code, status, error) => {
    const http = storeErrorToHttp(failure(code), new LockedStore());
    expect([http.status, http.code]).toEqual([status, error]);
    expect(http.message).toContain(`What the log says about ${code}.`);
  });

  it('says an unacknowledged write has an unknown outcome, so read the key back', () => {
    expect(
      storeErrorToHttp(failure('JETSTREAM_PUBLISH_FAILED'), new LockedStore()).message,
    ).toMatch(
      /^The NATS cluster did not acknowledge the write: .* Its outcome is unknown: read the key back/,
    );
  });
});

describe('a write that failed on a replicated log, over Redis', () => {
  it.each([
    [
      'JETSTREAM_PUBLISH_FAILED',
      /^CLUSTERDOWN the NATS cluster did not acknowledge the write: .* outcome is unknown/,
    ],
    ['JETSTREAM_TIMEOUT', /^CLUSTERDOWN /],
    ['JETSTREAM_CONFLICT', /^TRYAGAIN What the log says about JETSTREAM_CONFLICT\.$/],
    ['JETSTREAM_TOO_LARGE', /^ERR What the log says about JETSTREAM_TOO_LARGE\.$/],
  ] as const)('%s answers %s, on one line', (code, pattern) => {
    const text = errorTextOf(failure(code), { ok: true });
    expect(text).toMatch(pattern);
    expect(text).not.toMatch(/[\r\n]/);
  });
});
