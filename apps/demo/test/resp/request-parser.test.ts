import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESP_LIMITS,
  RequestParser,
  type RespLimits,
  RespProtocolError,
} from '../../src/resp/index.js';

/** The multibulk bytes a client sends for `args`. */
function encode(args: readonly (Uint8Array | string)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Cuts `bytes` at `points` (taken modulo its length, sorted, duplicates kept). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = points.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

/** Pushes each chunk and drains the parser after it, as a connection does. */
function parseChunks(chunks: readonly Uint8Array[], limits?: Partial<RespLimits>): string[][] {
  const parser = new RequestParser(limits);
  const out: string[][] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let args = parser.next(); args !== undefined; args = parser.next()) {
      out.push(args.map((a) => a.toString('latin1')));
    }
  }
  return out;
}

/** The error `next()` throws once `bytes` are pushed in one chunk, or undefined. */
function failure(
  bytes: string | Buffer,
  limits?: Partial<RespLimits>,
): RespProtocolError | undefined {
  const parser = new RequestParser(limits);
  parser.push(Buffer.from(bytes as string, 'latin1'));
  try {
    while (parser.next() !== undefined) {}
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RespProtocolError);
    return error as RespProtocolError;
  }
}

function expectRefusal(
  bytes: string | Buffer,
  code: string,
  message: string,
  limits?: Partial<RespLimits>,
): void {
  const error = failure(bytes, limits);
  expect(error, `no error for ${JSON.stringify(String(bytes))}`).toBeDefined();
  expect({ code: error?.code, message: error?.message }).toEqual({ code, message });
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('RequestParser: multibulk requests', () => {
  it('reads a command, its arguments views of the chunk pushed', () => {
    const chunk = encode(['SET', 'key', 'value']);
    const parser = new RequestParser();
    parser.push(chunk);
    const args = parser.next()!;
    expect(args.map(String)).toEqual(['SET', 'key', 'value']);
    expect(args[2]!.buffer).toBe(chunk.buffer);
    expect(parser.next()).toBeUndefined();
    expect(parser.bufferedBytes).toBe(0);
  });

  it('reads pipelined commands one by one and keeps the incomplete rest', () => {
    const parser = new RequestParser();
    const bytes = Buffer.concat([encode(['PING']), encode(['GET', 'a']), encode(['GET', 'b'])]);
    parser.push(bytes.subarray(0, bytes.length - 3));
    expect(parser.next()?.map(String)).toEqual(['PING']);
    expect(parser.next()?.map(String)).toEqual(['GET', 'a']);
    expect(parser.next()).toBeUndefined();
    expect(parser.bufferedBytes).toBeGreaterThan(0);
    parser.push(bytes.subarray(bytes.length - 3));
    expect(parser.next()?.map(String)).toEqual(['GET', 'b']);
    expect(parser.next()).toBeUndefined();
  });

  it('skips *0 and *-1, as Redis does', () => {
    expect(parseChunks([latin1('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n*0\r\n')])).toEqual([['PING']]);
  });

  it('keeps empty and binary arguments', () => {
    const binary = Buffer.from([0, 13, 10, 255, 42, 36]);
    const parser = new RequestParser();
    parser.push(encode(['SET', '', binary]));
    const args = parser.next()!;
    expect(args[1]!.length).toBe(0);
    expect(Buffer.compare(args[2]!, binary)).toBe(0);
  });

  it('takes Uint8Array chunks that are not Buffers', () => {
    const bytes = encode(['ECHO', 'hi']);
    const chunks = cut(bytes, [5]).map((b) => new Uint8Array(b));
    expect(parseChunks(chunks)).toEqual([['ECHO', 'hi']]);
  });

  it('reads any commands, the bytes cut anywhere', () => {
    const arbArg = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom('\r\n', '*1\r\n', '$3\r\n', '\r', '\n', 'SET'),
    );
    const arbCommand = fc.array(arbArg, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(arbCommand, { maxLength: 8 }),
        fc.array(fc.nat()),
        (commands, points) => {
          const bytes = Buffer.concat(commands.map(encode));
          const expected = commands.map((args) =>
            args.map((a) => Buffer.from(a).toString('latin1')),
          );
          expect(parseChunks(cut(bytes, points))).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads the same commands for every single and double cut of a pipeline', () => {
    const bytes = Buffer.concat([
      encode(['SET', 'k', 'v\r\n']),
      latin1('PING\r\n'),
      encode(['MGET', 'a', '', 'c']),
      latin1('\r\nset "a b" \'c\'\n'),
      encode(['GET', 'k']),
    ]);
    const expected = parseChunks([bytes]);
    expect(expected).toEqual([
      ['SET', 'k', 'v\r\n'],
      ['PING'],
      ['MGET', 'a', '', 'c'],
      ['set', 'a b', 'c'],
      ['GET', 'k'],
    ]);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        expect(parseChunks(cut(bytes, [i, j]))).toEqual(expected);
      }
    }
  });

  it('reads a command pushed one byte at a time, holding no more than it', () => {
    const value = Buffer.alloc(100_000, 0x61);
    const bytes = encode(['SET', 'key', value]);
    const parser = new RequestParser();
    let command: Buffer[] | undefined;
    let peak = 0;
    for (let i = 0; i < bytes.length; i++) {
      parser.push(bytes.subarray(i, i + 1));
      command = parser.next() ?? command;
      peak = Math.max(peak, parser.bufferedBytes);
    }
    expect(command?.length).toBe(3);
    expect(Buffer.compare(command![2]!, value)).toBe(0);
    expect(peak).toBeLessThanOrEqual(bytes.length);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('counts the arguments already read of an incomplete command as buffered', () => {
    const parser = new RequestParser();
    parser.push(latin1('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva'));
    expect(parser.next()).toBeUndefined();
    expect(parser.bufferedBytes).toBe(3 + 1 + 2);
  });
});

describe('RequestParser: inline requests', () => {
  it('splits a line ended by \\r\\n or by \\n alone', () => {
    expect(parseChunks([latin1('GET k\r\nSET k v\nPING\r\n')])).toEqual([
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['PING'],
    ]);
  });

  it('skips empty and blank lines', () => {
    expect(parseChunks([latin1('\r\n\n   \r\n\t\nPING\r\n')])).toEqual([['PING']]);
  });

  it('reads quotes and escapes as redis-cli writes them', () => {
    expect(parseChunks([latin1('SET "a\\x41\\n" \'it\\\'s\' ""\r\n')])).toEqual([
      ['SET', 'aA\n', "it's", ''],
    ]);
  });

  it('ends a line at a NUL byte, as Redis does', () => {
    expect(parseChunks([latin1('GET a\0 b\r\n')])).toEqual([['GET', 'a']]);
  });

  it('reads a line pushed one byte at a time', () => {
    const bytes = latin1('SET key "a value"\r\n');
    expect(parseChunks(cut(bytes, [...bytes.keys()]))).toEqual([['SET', 'key', 'a value']]);
  });
});

describe('RequestParser: refusals', () => {
  it('refuses a bad multibulk length', () => {
    for (const header of ['*abc', '*1a', '*+1', '*01', '*-0', '* 1', '*', '*-2', '*1.5']) {
      expectRefusal(
        `${header}\r\n`,
        'RESP_INVALID_MULTIBULK_LENGTH',
        'ERR Protocol error: invalid multibulk length',
      );
    }
  });

  it('refuses a bad bulk length, negative included', () => {
    for (const header of ['$abc', '$-1', '$-5', '$01', '$', '$ 3', '$3 ']) {
      expectRefusal(
        `*1\r\n${header}\r\n`,
        'RESP_INVALID_BULK_LENGTH',
        'ERR Protocol error: invalid bulk length',
      );
    }
  });

  it('refuses a header line whose \\r is not followed by \\n', () => {
    expectRefusal(
      '*1\rx',
      'RESP_INVALID_MULTIBULK_LENGTH',
      'ERR Protocol error: invalid multibulk length',
    );
    expectRefusal(
      '*1\r\n$3\rx',
      'RESP_INVALID_BULK_LENGTH',
      'ERR Protocol error: invalid bulk length',
    );
  });

  it("refuses an argument that does not start with '$', naming the byte", () => {
    expectRefusal(
      '*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n',
      'RESP_EXPECTED_BULK',
      "ERR Protocol error: expected '$', got 'f'",
    );
    expectRefusal(
      '*1\r\n:1\r\n',
      'RESP_EXPECTED_BULK',
      "ERR Protocol error: expected '$', got ':'",
    );
    expectRefusal('*1\r\n\r\n', 'RESP_EXPECTED_BULK', "ERR Protocol error: expected '$', got ' '");
  });

  it("refuses an argument not starting with '$' before its line ends", () => {
    expectRefusal('*1\r\nX', 'RESP_EXPECTED_BULK', "ERR Protocol error: expected '$', got 'X'");
  });

  it('refuses argument bytes not followed by \\r\\n', () => {
    for (const tail of ['abcd\r\n', 'abc\n\r', 'abc\r\r', 'abcXY']) {
      expectRefusal(
        `*1\r\n$3\r\n${tail}`,
        'RESP_BULK_NOT_TERMINATED',
        'ERR Protocol error: expected CRLF after bulk data',
      );
    }
  });

  it('refuses unbalanced quotes in an inline line', () => {
    for (const line of ['SET a "b', "SET a 'b", 'SET a "b"c', "SET 'a'b c", 'GET "a\\"']) {
      expectRefusal(
        `${line}\r\n`,
        'RESP_UNBALANCED_QUOTES',
        'ERR Protocol error: unbalanced quotes in request',
      );
    }
  });

  it('refuses an array over maxArrayLength as soon as its header is read', () => {
    expectRefusal(
      '*104857600\r\n',
      'RESP_INVALID_MULTIBULK_LENGTH',
      'ERR Protocol error: invalid multibulk length',
    );
    expect(failure(`*${DEFAULT_RESP_LIMITS.maxArrayLength}\r\n`)).toBeUndefined();
    expectRefusal(
      '*4\r\n',
      'RESP_INVALID_MULTIBULK_LENGTH',
      'ERR Protocol error: invalid multibulk length',
      {
        maxArrayLength: 3,
      },
    );
    expect(failure('*3\r\n', { maxArrayLength: 3 })).toBeUndefined();
  });

  it('refuses a bulk over maxBulkBytes as soon as its header is read', () => {
    const max = DEFAULT_RESP_LIMITS.maxBulkBytes;
    for (const length of [
      max + 1,
      2 ** 40,
      2 ** 53 + 1,
      '99999999999999999999',
      '999999999999999999999',
    ]) {
      expectRefusal(
        `*1\r\n$${length}\r\n`,
        'RESP_INVALID_BULK_LENGTH',
        'ERR Protocol error: invalid bulk length',
      );
    }
    expect(failure(`*1\r\n$${max}\r\n`)).toBeUndefined();
    expectRefusal(
      '*1\r\n$11\r\n',
      'RESP_INVALID_BULK_LENGTH',
      'ERR Protocol error: invalid bulk length',
      {
        maxBulkBytes: 10,
      },
    );
  });

  it('refuses a command over maxCommandBytes at the header of the argument that passes it', () => {
    // Each argument counts its bytes plus 96 (what its Buffer view costs): 3 arguments, 3 * 96.
    const limits = { maxCommandBytes: 10 + 3 * 96 };
    expect(failure('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\n', limits)).toBeUndefined();
    expectRefusal(
      '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\n',
      'RESP_COMMAND_TOO_BIG',
      'ERR Protocol error: too big command',
      limits,
    );
    // A million empty arguments are bounded too: 96 bytes each.
    expectRefusal(
      `*1000\r\n${'$0\r\n\r\n'.repeat(4)}`,
      'RESP_COMMAND_TOO_BIG',
      'ERR Protocol error: too big command',
      { maxCommandBytes: 3 * 96 },
    );
    // The count starts again at each command.
    expect(
      parseChunks(
        [Buffer.concat([encode(['SET', 'k', '123456']), encode(['SET', 'k', '123456'])])],
        limits,
      ),
    ).toHaveLength(2);
  });

  it('refuses a header line without \\r longer than maxInlineBytes, and not one at it', () => {
    const max = DEFAULT_RESP_LIMITS.maxInlineBytes;
    expect(failure(`*${'1'.repeat(max - 1)}`)).toBeUndefined();
    expectRefusal(
      `*${'1'.repeat(max)}`,
      'RESP_MBULK_COUNT_TOO_BIG',
      'ERR Protocol error: too big mbulk count string',
    );
    expect(failure(`*1\r\n$${'1'.repeat(max - 1)}`)).toBeUndefined();
    expectRefusal(
      `*1\r\n$${'1'.repeat(max)}`,
      'RESP_BULK_COUNT_TOO_BIG',
      'ERR Protocol error: too big bulk count string',
    );
  });

  it('refuses an inline line longer than maxInlineBytes, ended or not', () => {
    const max = DEFAULT_RESP_LIMITS.maxInlineBytes;
    expect(failure('a'.repeat(max))).toBeUndefined();
    expect(failure(`${'a'.repeat(max)}\r`)).toBeUndefined();
    expect(failure(`${'a'.repeat(max)}\r\n`)).toBeUndefined();
    expectRefusal(
      'a'.repeat(max + 1),
      'RESP_INLINE_TOO_BIG',
      'ERR Protocol error: too big inline request',
    );
    expectRefusal(
      `${'a'.repeat(max + 1)}\n`,
      'RESP_INLINE_TOO_BIG',
      'ERR Protocol error: too big inline request',
    );
    expectRefusal(
      'GET a\r\n'.repeat(2) + 'b'.repeat(11),
      'RESP_INLINE_TOO_BIG',
      'ERR Protocol error: too big inline request',
      {
        maxInlineBytes: 10,
      },
    );
  });

  it('refuses a long unterminated line pushed a byte at a time once it passes the limit', () => {
    const parser = new RequestParser({ maxInlineBytes: 1000 });
    const byte = latin1('a');
    for (let i = 0; i < 1000; i++) {
      parser.push(byte);
      expect(parser.next()).toBeUndefined();
    }
    parser.push(byte);
    expect(() => parser.next()).toThrow('ERR Protocol error: too big inline request');
  });

  it('throws the same error again, and ignores bytes pushed after it', () => {
    const parser = new RequestParser();
    parser.push(latin1('*x\r\n'));
    let first: unknown;
    try {
      parser.next();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(RespProtocolError);
    parser.push(encode(['PING']));
    expect(parser.bufferedBytes).toBe(0);
    expect(() => parser.next()).toThrow(first as Error);
  });

  it('either reads commands or throws a RespProtocolError for any bytes, holding a bounded amount', () => {
    const limits = { maxInlineBytes: 64, maxBulkBytes: 64, maxCommandBytes: 128 };
    const arbByte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(...Buffer.from('*$\r\n\r\n-0123456789 "\'\\x')),
    );
    fc.assert(
      fc.property(fc.array(arbByte, { maxLength: 400 }), fc.array(fc.nat()), (bytes, points) => {
        const parser = new RequestParser(limits);
        try {
          for (const chunk of cut(Buffer.from(bytes), points)) {
            parser.push(chunk);
            while (parser.next() !== undefined) {}
            // The arguments read, plus one line (64 and a \r) or one argument's bytes and \r.
            expect(parser.bufferedBytes).toBeLessThanOrEqual(128 + 65);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(RespProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('allocates nothing from a declared length: a huge array or bulk header alone holds nothing', () => {
    const before = process.memoryUsage();
    const parser = new RequestParser({ maxArrayLength: 2 ** 31, maxCommandBytes: 2 ** 40 });
    parser.push(latin1(`*100000000\r\n$3\r\nSET\r\n$${DEFAULT_RESP_LIMITS.maxBulkBytes}\r\n`));
    expect(parser.next()).toBeUndefined();
    expect(parser.bufferedBytes).toBe(3);
    const after = process.memoryUsage();
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(1024 * 1024);
  });
});
