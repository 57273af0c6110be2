import { describe, expect, it } from 'vitest';
import { recordJson, renderRecord } from '../src/cli/render.js';

describe('dump rendering of clears', () => {
  it('renders a clear with its bounds, lower first, keys quoted when not plain', () => {
    expect(renderRecord({ type: 'clear' })).toBe('CLEAR');
    expect(renderRecord({ type: 'clear', gte: 'user:', lt: 'user;' })).toBe(
      'CLEAR GTE user: LT "user;"',
    );
    expect(renderRecord({ type: 'clear', gt: 'a b' })).toBe('CLEAR GT "a b"');
  });

  it('gives a clear as JSON with only the bounds it has', () => {
    expect(recordJson({ type: 'clear' })).toEqual({ type: 'clear' });
    expect(recordJson({ type: 'clear', gt: 'a', lte: 'z' })).toEqual({
      type: 'clear',
      gt: 'a',
      lte: 'z',
    });
  });
});
