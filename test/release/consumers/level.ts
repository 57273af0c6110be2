// Uses the Level face of Hermes: write, close, reopen, iterate in byte order, in the folder
// given as argv[2].
import assert from 'node:assert/strict';
import { HermesLevel, keyOfBytes } from '@hermes/level';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node level.js <dir>');

const db = new HermesLevel<string, { name: string }>(dir, { valueEncoding: 'json' });
await db.put('user:2', { name: 'Grace' });
await db.batch([
  { type: 'put', key: 'user:1', value: { name: 'Ada' } },
  { type: 'put', key: 'user:3', value: { name: 'Barbara' } },
  { type: 'del', key: 'user:3' },
]);
await db.close();

const again = new HermesLevel<string, { name: string }>(dir, { valueEncoding: 'json' });
assert.deepEqual(await again.keys({ gte: 'user:', lt: 'user;' }).all(), ['user:1', 'user:2']);
assert.deepEqual(await again.get('user:1'), { name: 'Ada' });
assert.equal(await again.has('user:3'), false);
assert.equal(keyOfBytes(new Uint8Array([0x61, 0xff])), 'a\u00ff');
await again.close();

console.log('ok @hermes/level: wrote, closed, reopened and read back in key order');
