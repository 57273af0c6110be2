import { expect, it } from 'vitest';
import { parseBatch } from '../src/batch-body.js';
import { HttpError } from '../src/http-error.js';

const limits = { maxKeyBytes: 8, maxValueBytes: 4, maxBatchOps: 3 };
const parse = (json: string) => parseBatch(Buffer.from(json), limits);

it('turns ops into store batch ops with decoded values', () => {
  const ops = parse(
    '[{"type":"set","key":"a","value":"AAH/"},{"type":"delete","key":"b"},{"type":"set","key":"c","value":""}]',
  );
  expect(ops).toEqual([
    { type: 'set', key: 'a', value: new Uint8Array([0, 1, 255]) },
    { type: 'delete', key: 'b' },
    { type: 'set', key: 'c', value: new Uint8Array() },
  ]);
});

it("takes the empty key '', as the library does", () => {
  expect(parse('[{"type":"delete","key":""}]')).toEqual([{ type: 'delete', key: '' }]);
});

it('refuses the old "op" field, saying the field is now "type"', () => {
  expect(() => parse('[{"type":"delete","key":"a"},{"op":"delete","key":"b"}]')).toThrow(
    /Operation 1 uses "op"; the field is now "type"/,
  );
  expect(() => parse('[{"op":"set","type":"set","key":"a","value":""}]')).toThrow(/now "type"/);
});

it('treats an absent body as invalid JSON', () => {
  expect(() => parseBatch(undefined, limits)).toThrow(/not JSON/);
});

it.each([
  ['[1]', 400, 'BAD_BODY', /Operation 0 is not an object/],
  ['[{"type":"set","key":"a","value":"AAAA"},null]', 400, 'BAD_BODY', /Operation 1/],
  ['[{"type":"delete","key":"a","value":"AAAA"}]', 400, 'BAD_BODY', /drop its "value"/],
  ['[{"type":"set","key":"a","value":"AAAA AAAA"}]', 400, 'BAD_BODY', /base64/],
  ['[{"type":"set","key":"a","value":"AA-_"}]', 400, 'BAD_BODY', /base64/],
  [
    '[{"type":"set","key":"a","value":"AAAAAAAA"}]',
    413,
    'VALUE_TOO_LARGE',
    /6 bytes; the limit is 4/,
  ],
  ['[{"type":"delete","key":"123456789"}]', 400, 'KEY_TOO_LARGE', /limit is 8/],
  [
    '[{"type":"delete","key":"a"},{"type":"delete","key":"b"},{"type":"delete","key":"c"},{"type":"delete","key":"d"}]',
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
