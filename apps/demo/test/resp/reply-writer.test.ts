import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplyWriter, type RespVersion } from '../../src/resp/reply-writer.js';

/** What `write` encodes, in `protocol`, as a latin1 string (one char per byte). */
function bytes(protocol: RespVersion, write: (w: ReplyWriter) => void): string {
  const writer = new ReplyWriter(protocol);
  write(writer);
  return writer.take().toString('latin1');
}

/** Expects `write` to encode `resp2` in RESP2 and `resp3` in RESP3. */
function expectBoth(write: (w: ReplyWriter) => void, resp2: string, resp3: string = resp2): void {
  expect(bytes(2, write)).toBe(resp2);
  expect(bytes(3, write)).toBe(resp3);
}

describe('ReplyWriter: each reply type, in RESP2 and RESP3', () => {
  it('simple strings', () => {
    expectBoth((w) => w.simple('OK'), '+OK\r\n');
    expectBoth((w) => w.simple(''), '+\r\n');
    expectBoth((w) => w.simple('a\r\nb'), '+a  b\r\n');
    expectBoth((w) => w.simple('été'), '+\xc3\xa9t\xc3\xa9\r\n');
  });

  it('errors, the whole text given', () => {
    expectBoth((w) => w.error('ERR unknown command'), '-ERR unknown command\r\n');
    expectBoth(
      (w) => w.error('WRONGTYPE Operation against a key holding the wrong kind of value'),
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    );
    expectBoth((w) => w.error('ERR bad\r\nline'), '-ERR bad  line\r\n');
    expectBoth((w) => w.error("ERR got '\xff'"), "-ERR got '\xc3\xbf'\r\n");
    expectBoth((w) => w.error("ERR got '\xff'", 'latin1'), "-ERR got '\xff'\r\n");
    expectBoth((w) => w.error(`ERR ${'x'.repeat(100)}\n`), `-ERR ${'x'.repeat(100)} \r\n`);
  });

  it('integers, numbers and bigints', () => {
    expectBoth((w) => w.integer(0), ':0\r\n');
    expectBoth((w) => w.integer(7), ':7\r\n');
    expectBoth((w) => w.integer(-1), ':-1\r\n');
    expectBoth((w) => w.integer(1234567890), ':1234567890\r\n');
    expectBoth((w) => w.integer(Number.MAX_SAFE_INTEGER), ':9007199254740991\r\n');
    expectBoth((w) => w.integer(Number.MIN_SAFE_INTEGER), ':-9007199254740991\r\n');
    expectBoth((w) => w.integer(-(2n ** 63n)), ':-9223372036854775808\r\n');
    expectBoth((w) => w.integer(2n ** 64n - 1n), ':18446744073709551615\r\n');
  });

  it('refuses an integer that is not a safe integer', () => {
    for (const n of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => new ReplyWriter().integer(n)).toThrow(
        expect.objectContaining({ code: 'RESP_INVALID_REPLY' }),
      );
    }
  });

  it('bulk strings from Buffer, Uint8Array and string', () => {
    expectBoth((w) => w.bulk(Buffer.from('hello')), '$5\r\nhello\r\n');
    expectBoth((w) => w.bulk(new Uint8Array([0, 13, 10, 255])), '$4\r\n\x00\r\n\xff\r\n');
    expectBoth((w) => w.bulk('foobar'), '$6\r\nfoobar\r\n');
    expectBoth((w) => w.bulk(''), '$0\r\n\r\n');
    expectBoth((w) => w.bulk(Buffer.alloc(0)), '$0\r\n\r\n');
    expectBoth((w) => w.bulk('é'), '$2\r\n\xc3\xa9\r\n');
    expectBoth((w) => w.bulk('\r\n'), '$2\r\n\r\n\r\n');
    const long = `${'é'.repeat(50)}${'a'.repeat(50)}`;
    expectBoth((w) => w.bulk(long), `$150\r\n${'\xc3\xa9'.repeat(50)}${'a'.repeat(50)}\r\n`);
  });

  it('null: $-1 in RESP2, _ in RESP3, from null() and bulk(null)', () => {
    expectBoth((w) => w.null(), '$-1\r\n', '_\r\n');
    expectBoth((w) => w.bulk(null), '$-1\r\n', '_\r\n');
  });

  it('null array: *-1 in RESP2, _ in RESP3', () => {
    expectBoth((w) => w.nullArray(), '*-1\r\n', '_\r\n');
  });

  it('array headers and arrays of bulks, null elements included', () => {
    expectBoth((w) => w.arrayHeader(0), '*0\r\n');
    expectBoth((w) => w.arrayHeader(12), '*12\r\n');
    expectBoth(
      (w) => w.bulkArray(['a', null, Buffer.from('bc')]),
      '*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n',
      '*3\r\n$1\r\na\r\n_\r\n$2\r\nbc\r\n',
    );
    expectBoth((w) => w.bulkArray([]), '*0\r\n');
  });

  it('maps: % in RESP3, a flat array of twice the pairs in RESP2', () => {
    const write = (w: ReplyWriter): void => {
      w.mapHeader(2);
      w.bulk('server');
      w.bulk('hermes');
      w.bulk('proto');
      w.integer(3);
    };
    expectBoth(
      write,
      '*4\r\n$6\r\nserver\r\n$6\r\nhermes\r\n$5\r\nproto\r\n:3\r\n',
      '%2\r\n$6\r\nserver\r\n$6\r\nhermes\r\n$5\r\nproto\r\n:3\r\n',
    );
  });

  it('sets: ~ in RESP3, an array in RESP2', () => {
    expectBoth(
      (w) => {
        w.setHeader(2);
        w.bulk('a');
        w.bulk('b');
      },
      '*2\r\n$1\r\na\r\n$1\r\nb\r\n',
      '~2\r\n$1\r\na\r\n$1\r\nb\r\n',
    );
  });

  it('refuses a negative or fractional aggregate length', () => {
    for (const write of [
      (w: ReplyWriter) => w.arrayHeader(-1),
      (w: ReplyWriter) => w.mapHeader(1.5),
      (w: ReplyWriter) => w.setHeader(Number.NaN),
    ]) {
      expect(() => write(new ReplyWriter(3))).toThrow(
        expect.objectContaining({ code: 'RESP_INVALID_REPLY' }),
      );
    }
  });

  it('doubles: , in RESP3, a bulk string in RESP2', () => {
    expectBoth((w) => w.double(3.14), '$4\r\n3.14\r\n', ',3.14\r\n');
    expectBoth((w) => w.double(10), '$2\r\n10\r\n', ',10\r\n');
    expectBoth((w) => w.double(-0), '$2\r\n-0\r\n', ',-0\r\n');
    expectBoth((w) => w.double(1e21), '$5\r\n1e+21\r\n', ',1e+21\r\n');
    expectBoth((w) => w.double(Number.POSITIVE_INFINITY), '$3\r\ninf\r\n', ',inf\r\n');
    expectBoth((w) => w.double(Number.NEGATIVE_INFINITY), '$4\r\n-inf\r\n', ',-inf\r\n');
    expectBoth((w) => w.double(Number.NaN), '$3\r\nnan\r\n', ',nan\r\n');
  });

  it('booleans: #t/#f in RESP3, :1/:0 in RESP2', () => {
    expectBoth((w) => w.boolean(true), ':1\r\n', '#t\r\n');
    expectBoth((w) => w.boolean(false), ':0\r\n', '#f\r\n');
  });

  it('verbatim strings: = with a format in RESP3, a bulk string in RESP2', () => {
    expectBoth(
      (w) => w.verbatim('Some string'),
      '$11\r\nSome string\r\n',
      '=15\r\ntxt:Some string\r\n',
    );
    expectBoth((w) => w.verbatim('# x', 'mkd'), '$3\r\n# x\r\n', '=7\r\nmkd:# x\r\n');
    expectBoth((w) => w.verbatim('é\r\n'), '$4\r\n\xc3\xa9\r\n\r\n', '=8\r\ntxt:\xc3\xa9\r\n\r\n');
  });

  it('refuses a verbatim format that is not three ASCII characters', () => {
    for (const format of ['tx', 'text', 'té1']) {
      expect(() => new ReplyWriter(3).verbatim('x', format)).toThrow(
        expect.objectContaining({ code: 'RESP_INVALID_REPLY' }),
      );
    }
  });

  it('switches protocol between replies, as after HELLO 3', () => {
    const writer = new ReplyWriter();
    writer.null();
    writer.protocol = 3;
    writer.null();
    expect(writer.take().toString('latin1')).toBe('$-1\r\n_\r\n');
  });
});

describe('ReplyWriter: buffering', () => {
  it('takes what was written since the last take, and nothing when nothing was', () => {
    const writer = new ReplyWriter();
    expect(writer.take().length).toBe(0);
    writer.simple('OK');
    writer.integer(1);
    expect(writer.pendingBytes).toBe(9);
    expect(writer.take().toString()).toBe('+OK\r\n:1\r\n');
    expect(writer.pendingBytes).toBe(0);
    expect(writer.take().length).toBe(0);
    writer.simple('PONG');
    expect(writer.take().toString()).toBe('+PONG\r\n');
  });

  it('never changes bytes already taken, across growth', () => {
    const writer = new ReplyWriter();
    writer.bulk('first');
    const first = writer.take();
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) writer.bulk(`value ${i}`);
    writer.bulk(Buffer.alloc(3 * 1024 * 1024, 0x62));
    writer.take();
    writer.simple('after');
    writer.take();
    expect(Buffer.compare(first, copy)).toBe(0);
  });

  it('encodes any sequence of replies, taken at any points, as their concatenation', () => {
    const arbReply = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ['bulk', s] as const),
      fc.uint8Array({ maxLength: 20000 }).map((b) => ['bytes', b] as const),
      fc.integer().map((n) => ['int', n] as const),
      fc.constant(['take'] as const),
    );
    fc.assert(
      fc.property(fc.array(arbReply, { maxLength: 40 }), (replies) => {
        const writer = new ReplyWriter();
        const taken: Buffer[] = [];
        const expected: Buffer[] = [];
        for (const reply of replies) {
          if (reply[0] === 'take') {
            taken.push(writer.take());
          } else if (reply[0] === 'int') {
            writer.integer(reply[1]);
            expected.push(Buffer.from(`:${reply[1]}\r\n`));
          } else {
            writer.bulk(reply[1]);
            const body = Buffer.from(reply[1]);
            expected.push(Buffer.from(`$${body.length}\r\n`), body, Buffer.from('\r\n'));
          }
        }
        taken.push(writer.take());
        expect(Buffer.concat(taken).equals(Buffer.concat(expected))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
