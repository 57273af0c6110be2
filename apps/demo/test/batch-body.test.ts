import { expect, it } from 'vitest';
import { parseBatch } from '../src/batch-body.js';
import { HttpError } from '../src/http-error.js';

const limits = { maxKeyBytes: 8, maxValueBytes: 4, maxBatchOps: 3 };
const parse = (json: string) => parseBatch(Buffer.from(json), limits);

it('turns ops into store batch ops with decoded values', () => {
  const ops = parse(
    '[{"op":"set","key":"a","value":"AAH/"},{"op":"delete","key":"b"},{"op":"set","key":"c","value":""}]',
  );
  expect(ops).toEqual([
    { type: 'set', key: 'a', value: new Uint8Array([0, 1, 255]) },
    { type: 'delete', key: 'b' },
    { type: 'set', key: 'c', value: new Uint8Array() },
  ]);
});

it('treats an absent body as invalid JSON', () => {
  expect(() => parseBatch(undefined, limits)).toThrow(/not JSON/);
});

it.each([
  ['[1]', 400, 'BAD_BODY', /Operation 0 is not an object/],
  ['[{"op":"set","key":"a","value":"AAAA"},null]', 400, 'BAD_BODY', /Operation 1/],
  ['[{"op":"delete","key":"a","value":"AAAA"}]', 400, 'BAD_BODY', /drop its "value"/],
  ['[{"op":"set","key":"a","value":"AAAA AAAA"}]', 400, 'BAD_BODY', /base64/],
  ['[{"op":"set","key":"a","value":"AA-_"}]', 400, 'BAD_BODY', /base64/],
  [
    '[{"op":"set","key":"a","value":"AAAAAAAA"}]',
    413,
    'VALUE_TOO_LARGE',
    /6 bytes; the limit is 4/,
  ],
  ['[{"op":"delete","key":"123456789"}]', 400, 'KEY_TOO_LARGE', /limit is 8/],
  [
    '[{"op":"delete","key":"a"},{"op":"delete","key":"b"},{"op":"delete","key":"c"},{"op":"delete","key":"d"}]',
    413,
    'BATCH_TOO_LARGE',
    /limit is 3/,
  ],
])('refuses %s', (json, status, code, message) => {
  try {
    parse(json);
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(status);
    expect((error as HttpError).code).toBe(code);
    expect((error as HttpError).message).toMatch(message);
  }
});
