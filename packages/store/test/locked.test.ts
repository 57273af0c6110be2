import { LockedStore } from '../src/index.js';
import { storeSuite } from '../src/testing/index.js';

storeSuite('LockedStore', () => new LockedStore());
