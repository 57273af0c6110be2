import { createRequire } from 'node:module';
import type * as sortedBtree from 'sorted-btree';
import { compareSortable } from './key-order.js';

/**
 * The B+ tree of `sorted-btree` (a CommonJS package whose class is its `default` export),
 * loaded with `require` so that Node, tsx and vitest all see the same class whatever their
 * ES-module interop does with `default`. Internal: the stores' ordered index.
 */
export const BTree: BTreeClass = (
  createRequire(import.meta.url)('sorted-btree') as { default: BTreeClass }
).default;

/** The class of `sorted-btree` (under NodeNext, its CommonJS `default` sits one level down). */
type BTreeClass = typeof sortedBtree.default.default;

/** A B+ tree instance: see `sorted-btree`. */
export type BTree<K, V> = sortedBtree.default<K, V>;

/** Most keys (leaf) or children (inner node) per tree node: `sorted-btree`'s default. */
const NODE_SIZE = 32;

/** An empty tree of keys in `sortableKey` form, in native string order (= `compareKeys` order of the keys). */
export function newTree<V>(): BTree<string, V> {
  return new BTree<string, V>(undefined, compareSortable, NODE_SIZE);
}
