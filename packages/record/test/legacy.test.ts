import { describe, expect, it } from 'vitest';
import { decodeLine, resolveLimits } from '../src/index.js';

const legacy = (text: string, limits?: Parameters<typeof resolveLimits>[0]) =>
  decodeLine(Buffer.from(text, 'utf8'), 3, 'legacy', resolveLimits(limits));

describe('decodeLine (legacy seed format)', () => {
  it('decodes SET <key> <base64> with raw UTF-8 keys, spaces and all', () => {
    expect(legacy('SET a b c aGk=')).toMatchObject({
      ok: true,
      offset: 3,
      length: 15,
      record: { type: 'set', key: 'a b c' },
    });
    expect(legacy('SET  aGk=')).toMatchObject({ ok: true, record: { type: 'set', key: '' } });
    expect(legacy('SET %41 ')).toMatchObject({ ok: true, record: { type: 'set', key: '%41' } });
  });

  it('a v1 line is not a legacy line', () => {
    expect(legacy('7da334b4 SET k aGk=')).toMatchObject({ ok: false, reason: 'unknown-op' });
  });

  it('LegacyTooLarge: keys, values and lines over the limits', () => {
    expect(legacy('SET abcd aGk=', { maxKeyBytes: 3 })).toMatchObject({ reason: 'too-large' });
    expect(legacy('SET é aGk=', { maxKeyBytes: 1 })).toMatchObject({ reason: 'too-large' });
    expect(legacy('SET k aGk=', { maxValueBytes: 1 })).toMatchObject({ reason: 'too-large' });
    expect(legacy('SET k aGk=', { maxLineBytes: 10 })).toMatchObject({ reason: 'too-large' });
    expect(legacy('SET k aGk=', { maxLineBytes: 11 })).toMatchObject({ ok: true });
  });
});
