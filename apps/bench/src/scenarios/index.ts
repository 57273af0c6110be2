import { QUICK } from '../profile.js';
import type { Scenario } from '../types.js';
import { fdatasyncScenario } from './baseline.js';
import { demoScenario } from './demo.js';
import { layersScenario } from './layers.js';
import { listScenario } from './list.js';
import { readsScenario } from './reads.js';
import { recordScenario } from './record.js';
import { redisScenario } from './redis.js';
import { replicatedScenario } from './replicated.js';
import { respScenario } from './resp.js';
import { storeMemoryScenario, storeScaleScenario } from './store.js';
import { walReplayScenario } from './wal.js';
import { compactionScenario, openScenario } from './wal-store.js';
import { writeScenarios } from './writes.js';

/** Every scenario of `pnpm bench`, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  fdatasyncScenario,
  ...writeScenarios(QUICK.concurrency),
  redisScenario,
  recordScenario,
  walReplayScenario,
  openScenario,
  compactionScenario,
  layersScenario,
  storeMemoryScenario,
  readsScenario,
  demoScenario,
  listScenario,
  respScenario(),
  replicatedScenario,
  storeScaleScenario,
];
