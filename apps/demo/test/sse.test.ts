import { describe, expect, it } from 'vitest';
import { changeEvent, formatComment, formatEvent } from '../src/sse.js';

describe('formatEvent', () => {
  it('writes retry, id, event and one data line of JSON, then a blank line', () => {
    expect(formatEvent({ event: 'set', id: 'e-1', data: { key: 'a\nb' }, retry: 500 })).toBe(
      'retry: 500\nid: e-1\nevent: set\ndata: {"key":"a\\nb"}\n\n',
    );
    expect(formatEvent({ event: 'overflow', data: {} })).toBe('event: overflow\ndata: {}\n\n');
  });

  it('keeps a comment on one line', () => {
    expect(formatComment('a\r\nb')).toBe(': a  b\n\n');
  });
});

describe('changeEvent', () => {
  it('maps each kind of change, values in base64 and batch ops as POST /batch takes them', () => {
    const value = Buffer.from([0, 255, 1]);
    expect(changeEvent({ id: 'e-1', type: 'set', key: 'k', value })).toEqual({
      event: 'set',
      id: 'e-1',
      data: { key: 'k', value: 'AP8B' },
    });
    expect(changeEvent({ id: 'e-2', type: 'delete', key: 'k' }).data).toEqual({ key: 'k' });
    expect(
      changeEvent({
        id: 'e-3',
        type: 'batch',
        ops: [
          { type: 'set', key: 'a', value: value.subarray(1) },
          { type: 'delete', key: 'b' },
        ],
      }).data,
    ).toEqual({
      ops: [
        { type: 'set', key: 'a', value: '/wE=' },
        { type: 'delete', key: 'b' },
      ],
    });
    expect(changeEvent({ id: 'e-4', type: 'clear' })).toEqual({
      event: 'clear',
      id: 'e-4',
      data: {},
    });
    expect(
      changeEvent({ id: 'e-6', type: 'clear', range: { gte: 'a', lt: 'b' }, keys: ['a1', 'a2'] }),
    ).toEqual({
      event: 'clear',
      id: 'e-6',
      data: { range: { gte: 'a', lt: 'b' }, keys: ['a1', 'a2'] },
    });
    const resync = changeEvent({ id: 'e-5', type: 'resync', reason: 'unknown' });
    expect(resync).toMatchObject({ event: 'resync', id: 'e-5', data: { reason: 'unknown' } });
  });
});
