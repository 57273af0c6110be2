import { describe, expect, it } from 'vitest';
import { RespProtocolError } from '../../src/resp/errors.js';
import { splitInline } from '../../src/resp/split-inline.js';

const split = (line: string): string[] =>
  splitInline(Buffer.from(line, 'latin1')).map((arg) => arg.toString('latin1'));

describe('splitInline', () => {
  it('splits on blanks, runs of them, and \\v or \\f between arguments', () => {
    expect(split('SET  key\tvalue')).toEqual(['SET', 'key', 'value']);
    expect(split('  PING  ')).toEqual(['PING']);
    expect(split('a\rb\nc')).toEqual(['a', 'b', 'c']);
    expect(split('\va \fb')).toEqual(['a', 'b']);
    expect(split('')).toEqual([]);
    expect(split(' \t ')).toEqual([]);
  });

  it('keeps \\v and \\f inside an argument, as Redis does', () => {
    expect(split('a\vb')).toEqual(['a\vb']);
  });

  it('reads double quotes with their escapes', () => {
    expect(split('"a b"')).toEqual(['a b']);
    expect(split('"\\n\\r\\t\\b\\a\\\\\\""')).toEqual(['\n\r\t\b\x07\\"']);
    expect(split('"\\x41\\x6a\\xFF\\x00"')).toEqual(['Aj\xff\x00']);
    expect(split('"\\x4"')).toEqual(['x4']);
    expect(split('"\\xZZ"')).toEqual(['xZZ']);
    expect(split('"\\q"')).toEqual(['q']);
    expect(split('""')).toEqual(['']);
  });

  it("reads single quotes, where only \\' is an escape", () => {
    expect(split("'a b'")).toEqual(['a b']);
    expect(split("'it\\'s'")).toEqual(["it's"]);
    expect(split("'a\\nb'")).toEqual(['a\\nb']);
    expect(split("''")).toEqual(['']);
  });

  it('opens a quote inside an argument', () => {
    expect(split('a"b c"')).toEqual(['ab c']);
    expect(split("key'x y' z")).toEqual(['keyx y', 'z']);
  });

  it('takes backslashes and quotes of other kinds literally where they do not quote', () => {
    expect(split('a\\nb')).toEqual(['a\\nb']);
    expect(split('"it\'s"')).toEqual(["it's"]);
    expect(split('\'say "hi"\'')).toEqual(['say "hi"']);
  });

  it('ends at a NUL byte, so a quote open there is unclosed', () => {
    expect(split('a b\0c d')).toEqual(['a', 'b']);
    expect(() => split('"a\0"')).toThrow('ERR Protocol error: unbalanced quotes in request');
  });

  it('refuses unclosed quotes and a closing quote glued to more', () => {
    for (const line of ['"a', "'a", '"a\\"', '"a\\', "'a\\'", '"a"b', "'a'b", '"a""b"', 'x"a"y']) {
      expect(() => split(line), line).toThrow(RespProtocolError);
      expect(() => split(line), line).toThrow('ERR Protocol error: unbalanced quotes in request');
    }
  });

  it('returns arguments that do not share bytes with the line', () => {
    const line = Buffer.from('SET k v');
    const args = splitInline(line);
    line.fill(0);
    expect(args.map(String)).toEqual(['SET', 'k', 'v']);
  });
});
