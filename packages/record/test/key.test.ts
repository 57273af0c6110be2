import { describe, expect, it } from 'vitest';
import { writeOrdinaryKey } from '../src/key.js';

const ORDINARY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/._-';

describe('writeOrdinaryKey', () => {
  it('accepts exactly the ordinary characters, for every UTF-16 code unit', () => {
    const target = Buffer.alloc(8);
    for (let code = 0; code < 0x10000; code++) {
      const ch = String.fromCharCode(code);
      const ok = writeOrdinaryKey(target, 3, `a${ch}b`);
      expect(ok, `code unit ${code}`).toBe(ORDINARY.includes(ch));
    }
  });

  it('writes the key as it is', () => {
    const target = Buffer.alloc(20, 0xee);
    expect(writeOrdinaryKey(target, 2, 'user:42/name')).toBe(true);
    expect(target.toString('latin1', 2, 14)).toBe('user:42/name');
    expect(target[1]).toBe(0xee);
    expect(target[14]).toBe(0xee);
    expect(writeOrdinaryKey(target, 0, '')).toBe(true);
    expect(writeOrdinaryKey(target, 0, 'a b')).toBe(false);
  });
});
