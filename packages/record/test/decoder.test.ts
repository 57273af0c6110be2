import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeResult } from '../src/index.js';
import { encodeRecord, FILE_HEADER, FILE_HEADER_V1, LogDecoder } from '../src/index.js';
import { arbRecord, arbRecordV2, cut, decodeAll, plain, v1File, v2File } from './helpers.js';

const legacyLine = (key: string, value: string): Buffer =>
  Buffer.from(`SET ${key} ${Buffer.from(value).toString('base64')}\n`);

describe('LogDecoder', () => {
  for (const [format, file] of [
    ['v1', v1File],
    ['v2', v2File],
  ] as const) {
    it(`detects ${format} from the header, does not emit it, and decodes the records after it`, () => {
      const a = encodeRecord({ type: 'delete', key: 'a' });
      const b = encodeRecord({ type: 'set', key: 'b', value: Uint8Array.of(1) });
      const decoder = new LogDecoder({ startOffset: 1000 });
      expect(decoder.format).toBeUndefined();
      const out: DecodeResult[] = [];
      decoder.push(file(a, b), (r) => out.push(r));
      decoder.end((r) => out.push(r));
      expect(decoder.format).toBe(format);
      expect(decoder.headerBytes).toBe(13);
      expect(out.map((r) => [r.ok, r.offset, r.length])).toEqual([
        [true, 1000 + 13, a.length],
        [true, 1000 + 13 + a.length, b.length],
      ]);
    });
  }

  it('ClearInV2File: a v2 file decodes its CLEAR records, in any chunking', () => {
    const records = [
      { type: 'set' as const, key: 'a', value: Uint8Array.of(1) },
      { type: 'clear' as const, gte: 'a', lt: 'b' },
      { type: 'clear' as const },
      { type: 'delete' as const, key: 'z' },
    ];
    const file = v2File(...records.map((r) => encodeRecord(r)));
    const want = records.map((r) => expect.objectContaining({ ok: true, record: plain(r) }));
    expect(decodeAll([file])).toEqual(want);
    expect(decodeAll(cut(file, [3, 12, 13, 14, 40, 41, 60]))).toEqual(want);
  });

  it('ClearInV1File: a CLEAR line in a v1 file is unknown-op, never skipped as valid', () => {
    const clear = encodeRecord({ type: 'clear', gt: 'a' });
    const after = encodeRecord({ type: 'delete', key: 'z' });
    expect(decodeAll([v1File(clear, after)])).toEqual([
      expect.objectContaining({
        ok: false,
        reason: 'unknown-op',
        offset: 13,
        message: expect.stringMatching(/version 2/),
      }),
      expect.objectContaining({ ok: true }),
    ]);
  });

  it('gives the same results for every way of cutting a log into chunks', () => {
    const arbLog = fc.tuple(
      fc.array(arbRecordV2, { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(
        arbLog,
        fc.array(fc.nat(4000), { maxLength: 20 }),
        ([records, damage, tear], points) => {
          const file = v2File(...records.map((r) => encodeRecord(r)));
          for (const d of damage) {
            if (file.length === 13) break;
            const at = 13 + (d % (file.length - 13));
            file[at] = file[at]! ^ 0x20;
          }
          const torn = file.subarray(0, file.length - (tear % 40));
          const whole = decodeAll([torn]);
          expect(decodeAll(cut(torn, points))).toEqual(whole);
          if (damage.length === 0 && tear % 40 === 0) {
            expect(whole).toEqual(
              records.map((r) => expect.objectContaining({ ok: true, record: plain(r) })),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('TruncatedTrailingRecord: a torn last line is reported truncated with its offset and length', () => {
    const a = encodeRecord({ type: 'delete', key: 'a' });
    const batch = encodeRecord({
      type: 'batch',
      ops: [
        { type: 'set', key: 'x', value: Uint8Array.of(1, 2) },
        { type: 'delete', key: 'y' },
      ],
    });
    for (let keep = 1; keep < batch.length; keep++) {
      const results = decodeAll([v1File(a, batch.subarray(0, keep))]) as DecodeResult[];
      expect(results).toHaveLength(2);
      expect(results[0]!.ok).toBe(true);
      expect(results[1]).toMatchObject({
        ok: false,
        reason: 'truncated',
        offset: FILE_HEADER.length + a.length,
        length: keep,
      });
    }
  });

  it('TornHeader: a file cut inside its header is truncated, and v2 unless it is the v1 header', () => {
    for (const header of [FILE_HEADER, FILE_HEADER_V1]) {
      for (let keep = 1; keep < header.length; keep++) {
        const decoder = new LogDecoder();
        const out: DecodeResult[] = [];
        decoder.push(header.subarray(0, keep), (r) => out.push(r));
        decoder.end((r) => out.push(r));
        expect(out).toEqual([
          expect.objectContaining({ reason: 'truncated', offset: 0, length: keep }),
        ]);
        // Only the last header byte tells the versions apart; files are written in v2 now.
        expect(decoder.format).toBe(header === FILE_HEADER_V1 && keep === 12 ? 'v1' : 'v2');
      }
    }
  });

  it('an empty stream emits nothing and leaves the format undecided', () => {
    const decoder = new LogDecoder();
    decoder.push(new Uint8Array(0), () => expect.unreachable());
    decoder.end(() => expect.unreachable());
    expect(decoder.format).toBeUndefined();
  });

  it('BadHeader: an unknown version or damaged header is reported, the rest read as v2', () => {
    const a = encodeRecord({ type: 'delete', key: 'a' });
    for (const header of [
      'HERMES-LOG 3\n',
      'HERMES-LOG 1 \n',
      'HERMES-LOG 2 \n',
      'HERMEZ-LOG 1\n',
      '\n',
    ]) {
      const decoder = new LogDecoder();
      const out: DecodeResult[] = [];
      decoder.push(Buffer.concat([Buffer.from(header), a]), (r) => out.push(r));
      decoder.end((r) => out.push(r));
      expect(out[0]).toMatchObject({
        ok: false,
        reason: 'bad-header',
        offset: 0,
        length: header.length,
      });
      expect(out[1]).toMatchObject({ ok: true, offset: header.length });
      expect(decoder.format).toBe('v2');
    }
  });

  it('LegacyFormat: the seed format decodes, keys with spaces included', () => {
    const file = Buffer.concat([
      legacyLine('user:1', 'hello'),
      legacyLine('with space', ''),
      legacyLine('é😀', '\0\n'),
    ]);
    const decoder = new LogDecoder();
    const out: DecodeResult[] = [];
    decoder.push(file, (r) => out.push(r));
    decoder.end((r) => out.push(r));
    expect(decoder.format).toBe('legacy');
    expect(decoder.headerBytes).toBe(0);
    expect(out.map((r) => r.ok && plain(r.record))).toEqual([
      { type: 'set', key: 'user:1', value: Buffer.from('hello').toString('hex') },
      { type: 'set', key: 'with space', value: '' },
      { type: 'set', key: 'é😀', value: '000a' },
    ]);
  });

  it('LegacyFormat: damage gives typed failures, a torn last line is truncated', () => {
    const file = Buffer.concat([
      legacyLine('a', 'x'),
      Buffer.from('DEL a\n'),
      Buffer.from('SET b AA*A\n'),
      Buffer.from([...Buffer.from('SET '), 0xff, ...Buffer.from(' AAAA\n')]),
      Buffer.from('SET nospace\n'),
      legacyLine('c', 'y').subarray(0, 5),
    ]);
    const reasons = (decodeAll([file]) as DecodeResult[]).map((r) => (r.ok ? 'ok' : r.reason));
    expect(reasons).toEqual([
      'ok',
      'unknown-op',
      'bad-base64',
      'bad-key',
      'malformed',
      'truncated',
    ]);
  });

  it('a given format skips detection (resuming after the header)', () => {
    const a = encodeRecord({ type: 'delete', key: 'a' });
    const out = decodeAll([a], { format: 'v1', startOffset: 13 }) as DecodeResult[];
    expect(out).toEqual([expect.objectContaining({ ok: true, offset: 13 })]);
  });

  it('TooLarge: a line over maxLineBytes is one failure, and the next line still decodes', () => {
    const big = encodeRecord({ type: 'set', key: 'big', value: new Uint8Array(300) });
    const small = encodeRecord({ type: 'delete', key: 's' });
    const file = v1File(big, small, big.subarray(0, 200));
    const out = decodeAll(cut(file, [20, 50, 100, 300]), { limits: { maxLineBytes: 100 } });
    expect(out).toEqual([
      expect.objectContaining({ ok: false, reason: 'too-large', offset: 13, length: big.length }),
      expect.objectContaining({ ok: true, offset: 13 + big.length }),
      expect.objectContaining({ ok: false, reason: 'truncated', length: 200 }),
    ]);
  });
});

describe('LogDecoder on arbitrary bytes', () => {
  it('never throws, and its results tile the stream after the header exactly', () => {
    const noise = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .array(
          fc.oneof(
            arbRecord.map((r) => encodeRecord(r)),
            fc.constantFrom(Buffer.from('\n'), Buffer.from('SET a AAAA\n'), FILE_HEADER),
            fc.uint8Array({ maxLength: 20 }),
          ),
          { maxLength: 10 },
        )
        .map((parts) => Buffer.concat(parts)),
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        noise,
        fc.array(fc.nat(400), { maxLength: 6 }),
        (header, body, points) => {
          const file = header ? v1File(body) : Buffer.from(body);
          const decoder = new LogDecoder({ limits: { maxLineBytes: 200 }, startOffset: 5 });
          const results: DecodeResult[] = [];
          for (const chunk of cut(file, points)) decoder.push(chunk, (r) => results.push(r));
          decoder.end((r) => results.push(r));
          let at = 5 + (decoder.headerBytes ?? 0);
          if (decoder.format === 'v1' && decoder.headerBytes === undefined) at = 5; // torn header
          for (const r of results) {
            if (!r.ok && r.reason === 'bad-header') {
              expect(r.offset).toBe(5);
              continue;
            }
            expect(r.offset).toBe(at);
            expect(r.length).toBeGreaterThan(0);
            at += r.length;
          }
          expect(at).toBe(5 + file.length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
