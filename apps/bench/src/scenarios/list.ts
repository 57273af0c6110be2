import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import { nodeArgs } from '../core/child.js';
import { keyOf } from '../core/data.js';
import { fillLog } from '../core/hermes-log.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';
import { demoEntry, outcomeOf, stop, urlOf } from './demo.js';

/** Connections of the listing rows. */
const LIST_CONNECTIONS = 16;
/** Keys per page. */
const PAGE = 10;

/** One autocannon run of `GET /kv?gte=<random key>&limit=10` over `keys` keys. */
async function pages(url: string, seconds: number, keys: number) {
  const result = await autocannon({
    url,
    connections: LIST_CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/kv?gte=${keyOf(Math.floor(Math.random() * keys))}&limit=${PAGE}`,
        }),
      },
    ],
  });
  return outcomeOf(url, result, seconds);
}

/** The page rows at one store size: the service opened on a log of `keys` keys. */
async function measureAt(ctx: Context, keys: number): Promise<Row> {
  const dir = await ctx.dir(`list-${keys}`);
  ctx.status(`writing ${keys} keys`);
  await fillLog(dir, keys);
  const child = ctx.spawn(
    process.execPath,
    nodeArgs([demoEntry(), '--port', '0', '--data-dir', dir, '--sync', 'everysec']),
  );
  try {
    ctx.status(`paging over ${keys} keys`);
    const url = await urlOf(child, `demo on ${keys} keys`);
    await pages(url, Math.min(1, ctx.profile.httpSeconds), keys);
    const runs = [];
    for (let r = 0; r < ctx.profile.rounds; r++)
      runs.push(await pages(url, ctx.profile.httpSeconds, keys));
    return {
      id: `list.page10.n${keys}`,
      group: 'demo',
      label: `GET /kv page of ${PAGE} from a random key, ${keys.toLocaleString('en-US')} keys`,
      unit: 'req/s',
      higherIsBetter: true,
      value: summarize(runs.map((x) => x.rps)),
      latency: {
        p50: summarize(runs.map((x) => x.p50)).median,
        p99: summarize(runs.map((x) => x.p99)).median,
        p999: Number.NaN,
        samples: runs.reduce((s, x) => s + x.total, 0),
      },
      concurrency: LIST_CONNECTIONS,
      note: `autocannon, ${LIST_CONNECTIONS} connections, ${ctx.profile.httpSeconds} s rounds; gte=<random key>&limit=${PAGE}`,
    };
  } finally {
    await stop(child);
    await ctx.remove(dir);
  }
}

/**
 * Paging cost against store size: `GET /kv?gte=<random key>&limit=10` on the demo service over
 * 10k keys and over the replay rows' key count (1M in the quick profile). A page costs
 * O(log n + 10), so both rows should be close; a listing that scanned every key would fall by
 * the ratio of the sizes.
 */
export const listScenario: Scenario = {
  id: 'list',
  group: 'demo',
  async run(ctx) {
    if (!existsSync(demoEntry()))
      throw new Error(`the demo service is not built: ${demoEntry()} is missing (run pnpm build)`);
    const small = Math.min(10_000, ctx.profile.replayKeys);
    const rows = [await measureAt(ctx, small)];
    if (ctx.profile.replayKeys > small) rows.push(await measureAt(ctx, ctx.profile.replayKeys));
    return rows;
  },
};
