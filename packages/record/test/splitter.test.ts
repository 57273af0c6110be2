import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/index.js';
import { cut } from './helpers.js';

type Seen = [string, number, number];

function split(
  chunks: readonly Uint8Array[],
  max?: number,
  start?: number,
): { lines: Seen[]; tail: unknown } {
  const splitter = new LineSplitter(max, start);
  const lines: Seen[] = [];
  for (const chunk of chunks) {
    splitter.push(chunk, (line, offset, length) => {
      lines.push([Buffer.from(line).toString('latin1'), offset, length]);
    });
  }
  const tail = splitter.end();
  return {
    lines,
    tail: tail && {
      text: Buffer.from(tail.bytes).toString('latin1'),
      offset: tail.offset,
      length: tail.length,
    },
  };
}

const arbStream = fc
  .array(fc.constantFrom('a', 'b', '\n', '\n\n', 'xyz', '\r'), { maxLength: 40 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('LineSplitter', () => {
  it('emits lines without newline, with their stream offsets, and hands back the tail', () => {
    const result = split([Buffer.from('ab\n\ncd\nef')], undefined, 100);
    expect(result.lines).toEqual([
      ['ab', 100, 2],
      ['', 103, 0],
      ['cd', 104, 2],
    ]);
    expect(result.tail).toEqual({ text: 'ef', offset: 107, length: 2 });
  });

  it('returns no tail when the stream ends on a newline', () => {
    expect(split([Buffer.from('a\n')]).tail).toBeUndefined();
    expect(split([]).tail).toBeUndefined();
  });

  it('gives the same lines for every way of cutting the bytes into chunks', () => {
    fc.assert(
      fc.property(
        arbStream,
        fc.array(fc.nat(200)),
        fc.integer({ min: 1, max: 8 }),
        (bytes, points, max) => {
          expect(split(cut(bytes, points), max)).toEqual(split([bytes], max));
          expect(split(cut(bytes, points))).toEqual(split([bytes]));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('copies the held tail, so the caller may reuse its read buffer', () => {
    const splitter = new LineSplitter();
    const buffer = Buffer.from('hello');
    const seen: string[] = [];
    splitter.push(buffer, () => {});
    buffer.write('XXXXX');
    splitter.push(Buffer.from(' world\n'), (line) => seen.push(Buffer.from(line).toString()));
    expect(seen).toEqual(['hello world']);
  });

  it('reports a line over maxLineBytes by offset and length without buffering it', () => {
    const result = split(cut(Buffer.from('abc\nabcdefgh\nab\nabcdefghij'), [1, 5, 6, 9, 20]), 4);
    expect(result.lines).toEqual([
      ['abc', 0, 3],
      ['', 4, 8],
      ['ab', 13, 2],
    ]);
    expect(result.tail).toEqual({ text: '', offset: 16, length: 10 });
  });

  it('accepts plain Uint8Array chunks', () => {
    const result = split([new TextEncoder().encode('x\ny'), Uint8Array.of(10)]);
    expect(result.lines).toEqual([
      ['x', 0, 1],
      ['y', 2, 1],
    ]);
  });
});
