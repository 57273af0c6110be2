import { describe, expect, it } from 'vitest';
import * as record from '../src/index.js';

describe('the front door', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(record).sort()).toEqual([
      'DEFAULT_LIMITS',
      'FILE_HEADER',
      'FILE_HEADER_V1',
      'LineSplitter',
      'LogDecoder',
      'RecordError',
      'crc32Backend',
      'decodeLine',
      'encodeRecord',
      'encodeRecordInto',
      'encodedLength',
      'resolveLimits',
    ]);
  });

  it('FILE_HEADER is the v2 header line, FILE_HEADER_V1 the v1 one, newline included', () => {
    expect(record.FILE_HEADER.toString('latin1')).toBe('HERMES-LOG 2\n');
    expect(record.FILE_HEADER_V1.toString('latin1')).toBe('HERMES-LOG 1\n');
  });

  it('RecordError is an Error with a code and a name', () => {
    const e = new record.RecordError('RECORD_INVALID', 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('RecordError');
    expect(e.code).toBe('RECORD_INVALID');
  });
});
