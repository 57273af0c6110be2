// Loads the package with require() from CommonJS (Node >= 20.19 loads ESM through require).
import assert = require('node:assert/strict');

const name = process.argv[2];
if (name === undefined) throw new Error('usage: node require.cjs <package> <export>...');
const loaded: Record<string, unknown> = require(name);
for (const expected of process.argv.slice(3)) {
  assert.equal(typeof loaded[expected], 'function', `${name} has no function export ${expected}`);
}
console.log(`ok require('${name}'): ${Object.keys(loaded).length} exports`);
