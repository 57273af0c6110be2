import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Backend, loadNodeRsCrc32, nativeCrc32 } from '../src/native-crc.js';

/** Whether this platform has a prebuilt `@node-rs/crc32` binary installed. */
function nodeRsInstalled(): boolean {
  try {
    createRequire(import.meta.url)('@node-rs/crc32');
    return true;
  } catch {
    return false;
  }
}

describe('native CRC-32', () => {
  it('uses @node-rs/crc32 wherever its binary is installed, zlib elsewhere', () => {
    expect(crc32Backend).toBe(nodeRsInstalled() ? 'node-rs' : 'zlib');
  });

  it('gives zlib.crc32 values, whole and continued from a previous CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.nat(), (bytes, a) => {
        const mid = a % (bytes.length + 1);
        expect(nativeCrc32(bytes, 0)).toBe(zlibCrc32(bytes));
        const head = nativeCrc32(bytes.subarray(0, mid), 0);
        expect(nativeCrc32(bytes.subarray(mid), head)).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('falls back when the module cannot be loaded (no binary for this platform)', () => {
    const load = (): never => {
      throw new Error("Cannot find module '@node-rs/crc32-linux-x64-gnu'");
    };
    expect(loadNodeRsCrc32(load)).toBeUndefined();
  });

  it('falls back when the module has no crc32 function', () => {
    expect(loadNodeRsCrc32(() => ({ crc32c: () => 0 }))).toBeUndefined();
  });

  it('falls back when crc32 disagrees with the check value, or with itself when continued', () => {
    const wrong = () => ({ crc32: () => 0x12345678 });
    expect(loadNodeRsCrc32(wrong)).toBeUndefined();
    // Right on the whole input, but ignores the previous CRC: continuing would corrupt lines.
    const noContinue = () => ({
      crc32: (bytes: Uint8Array) => zlibCrc32(bytes),
    });
    expect(loadNodeRsCrc32(noContinue)).toBeUndefined();
    const throwing = () => ({
      crc32: () => {
        throw new TypeError('bad argument');
      },
    });
    expect(loadNodeRsCrc32(throwing)).toBeUndefined();
  });

  it('accepts a module whose crc32 agrees with zlib', () => {
    const fn = loadNodeRsCrc32(() => ({ crc32: zlibCrc32 }));
    expect(fn).toBe(zlibCrc32);
  });
});
