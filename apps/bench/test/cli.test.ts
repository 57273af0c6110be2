import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli.js';

describe('parseArgs', () => {
  it('runs the quick profile with no flags', () => {
    const o = parseArgs([]);
    expect(o.profile.name).toBe('quick');
    expect(o.scale).toBe(false);
    expect(o.only).toBeUndefined();
  });

  it('drops a leading -- as pnpm passes it on (pnpm bench -- --only wal)', () => {
    const o = parseArgs(['--', '--only', 'wal', '--smoke']);
    expect(o.profile.name).toBe('smoke');
    expect(o.only?.test('wal-store')).toBe(true);
    expect(o.only?.test('baseline')).toBe(false);
  });

  it('reads --full, --scale and --json', () => {
    const o = parseArgs(['--full', '--scale', '--json', 'out.json']);
    expect(o.profile.name).toBe('full');
    expect(o.scale).toBe(true);
    expect(o.json).toBe('out.json');
  });

  it('matches --only case-insensitively as a regular expression', () => {
    const o = parseArgs(['--only', '^PEER\\.(lmdb|nedb)$']);
    expect(o.only?.test('peer.lmdb')).toBe(true);
    expect(o.only?.test('peer.level-sync')).toBe(false);
  });

  it('refuses an unknown flag and --smoke with --full', () => {
    expect(() => parseArgs(['--fast'])).toThrow();
    expect(() => parseArgs(['--smoke', '--full'])).toThrow();
  });
});
