import type { Scenario } from '../types.js';
import { baselineScenario } from './baseline.js';

/** Every scenario of `pnpm bench`, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [baselineScenario];
