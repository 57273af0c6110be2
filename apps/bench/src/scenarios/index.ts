import type { Scenario } from '../types.js';
import { baselineScenario } from './baseline.js';
import { demoScenario } from './demo.js';
import { peerScenarios } from './peers.js';
import { recordScenario } from './record.js';
import { redisScenario } from './redis.js';
import { storeMemoryScenario, storeScaleScenario } from './store.js';
import { walScenario } from './wal.js';
import { walStoreScenario } from './wal-store.js';

/** Every scenario of `pnpm bench`, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  baselineScenario,
  recordScenario,
  walScenario,
  walStoreScenario,
  storeMemoryScenario,
  storeScaleScenario,
  demoScenario,
  ...peerScenarios,
  redisScenario,
];
