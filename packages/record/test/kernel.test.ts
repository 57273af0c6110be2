import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64 } from '../src/base64.js';
import { decodeFastSet } from '../src/fast-set.js';
import {
  instantiateKernel,
  KERNEL_LINE_CAPACITY,
  kernelAvailable,
  kernelCrc32,
} from '../src/kernel.js';
import { KERNEL_WASM } from '../src/kernel-bytes.js';
import { DEFAULT_LIMITS } from '../src/limits.js';

/** `<crc> SET <key> <field>` with the right checksum, whatever `field` holds. */
function setLine(key: string, field: string): Buffer {
  const body = Buffer.from(`SET ${key} ${field}`, 'latin1');
  const crc = zlibCrc32(body).toString(16).padStart(8, '0');
  return Buffer.concat([Buffer.from(`${crc} `, 'latin1'), body]);
}

/** The careful path's strict base64 decoder, as the kernel must agree with it. */
function strictDecode(field: string): Buffer | undefined {
  const bytes = Buffer.from(field, 'latin1');
  const size = base64DecodedLength(bytes, 0, bytes.length);
  return size < 0 ? undefined : decodeBase64(bytes, 0, bytes.length, size);
}

/** Base64-looking fields: the alphabet, padding in any place, and a sprinkle of other bytes. */
const arbField = fc
  .array(
    fc.oneof(
      {
        weight: 20,
        arbitrary: fc.constantFrom(
          ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
        ),
      },
      { weight: 2, arbitrary: fc.constant('=') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('-', '_', ' ', '\n', '%', '\x80', '\xff', '\0', '.'),
      },
    ),
    { minLength: 1, maxLength: 400 },
  )
  .map((chars) => chars.join(''));

describe('the WebAssembly decoding kernel', () => {
  it('runs in this process', () => {
    expect(kernelAvailable).toBe(true);
  });

  it('is what wasm/kernel.ts compiles to (src/kernel-bytes.ts is not stale)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const script = new URL('../scripts/build-wasm.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, '--check'],
      { cwd: new URL('..', import.meta.url).pathname },
    );
    expect(stdout).toContain('matches');
  }, 60_000);

  it('computes zlib.crc32 over any bytes (16-, 4- and 1-byte steps)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        expect(~kernelCrc32(bytes, -1) >>> 0).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes a field exactly when the strict decoder does, to the same bytes', () => {
    fc.assert(
      fc.property(arbField, (field) => {
        const line = setLine('key:1', field);
        const op = decodeFastSet(line, 0, line.length, DEFAULT_LIMITS);
        const expected = strictDecode(field);
        if (expected === undefined || expected.length === 0 || expected.length >= 256) {
          expect(op).toBeUndefined();
        } else {
          expect(op).toEqual({ type: 'set', key: 'key:1', value: expected });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes every canonical value below 256 bytes, at every offset of a larger buffer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 255 }),
        fc.stringMatching(/^[A-Za-z0-9:/._-]{0,40}$/),
        fc.nat(64),
        (value, key, at) => {
          const line = setLine(key, Buffer.from(value).toString('base64'));
          const chunk = Buffer.concat([Buffer.alloc(at, 0x41), line, Buffer.from('\ntail')]);
          const op = decodeFastSet(chunk, at, at + line.length, DEFAULT_LIMITS);
          expect(op).toEqual({ type: 'set', key, value: Buffer.from(value) });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves every line with a changed byte to the careful path', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (value, where, flip) => {
          const line = setLine('user:42', Buffer.from(value).toString('base64'));
          const i = where % line.length;
          line[i] = line[i]! ^ flip;
          expect(decodeFastSet(line, 0, line.length, DEFAULT_LIMITS)).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves escaped keys, empty and long values, over-limit keys and long lines to the careful path', () => {
    const refuse = (line: Buffer, limits = DEFAULT_LIMITS): void =>
      expect(decodeFastSet(line, 0, line.length, limits)).toBeUndefined();
    refuse(setLine('caf%C3%A9', 'QUJD'));
    refuse(setLine('k', ''));
    refuse(setLine('k', Buffer.alloc(256, 7).toString('base64')));
    refuse(setLine('k'.repeat(11), 'QUJD'), { ...DEFAULT_LIMITS, maxKeyBytes: 10 });
    refuse(setLine('k', 'QUJD'), { ...DEFAULT_LIMITS, maxValueBytes: 2 });
    refuse(setLine('k'.repeat(KERNEL_LINE_CAPACITY), 'QUJD'));
    refuse(Buffer.from('0000000 SET k QUJD')); // a 7-digit checksum
    refuse(Buffer.from(`${setLine('k', 'QUJD').toString('latin1').toUpperCase()}`));
  });

  it('is not instantiated from a binary the runtime refuses (lines then take the careful path)', () => {
    expect(instantiateKernel(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]))).toBeUndefined();
    expect(instantiateKernel(Buffer.from(KERNEL_WASM, 'base64'))).toBeDefined();
  });
});
