import { ShardedStore } from '../src/index.js';
import { storeSuite } from '../src/testing/index.js';

storeSuite('ShardedStore (16 shards)', () => new ShardedStore());
storeSuite('ShardedStore (3 shards)', () => new ShardedStore({ shards: 3 }), {
  concurrencyRuns: 30,
  modelRuns: 30,
});
