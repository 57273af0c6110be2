/**
 * The layers of Hermes and the only edges allowed between them (CONTRIBUTING.md):
 * `record` <- `wal` <- `wal-store` -> `store`, and `record` <- `wal-jetstream` -> `wal` (a log
 * beside the local one, sharing its types, never using the store), and `wal-store` <- `level` ->
 * `store` (the Level ecosystem's face of the durable store); apps (`apps/*`) may use any
 * package; no package uses an app. `wal-store` reaches record types through `@hermes/wal`, never
 * directly.
 */
export const LAYER_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  '@hermes/record': [],
  '@hermes/store': [],
  '@hermes/wal': ['@hermes/record'],
  '@hermes/wal-store': ['@hermes/wal', '@hermes/store'],
  '@hermes/wal-jetstream': ['@hermes/record', '@hermes/wal'],
  '@hermes/level': ['@hermes/wal-store', '@hermes/store'],
};

/**
 * Layers a package's tests (only) may use beyond its own: a log runs under the durable store in
 * its tests, as the store's peer. Each must not reach the package back (that would be a cycle).
 */
export const LAYER_TEST_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  '@hermes/wal-jetstream': ['@hermes/wal-store', '@hermes/store'],
};

/** The packages `name` may reach directly or through its dependencies (itself excluded). */
export function layerClosure(name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(LAYER_DEPENDENCIES[name] ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(LAYER_DEPENDENCIES[next] ?? []));
  }
  return seen;
}

/**
 * The packages the tests of `name` may reach: its own closure, plus its test-only layers and
 * theirs. A test-only layer whose closure reaches `name` is left out (a cycle).
 */
export function testClosure(name: string): Set<string> {
  const seen = layerClosure(name);
  for (const extra of LAYER_TEST_DEPENDENCIES[name] ?? []) {
    const below = layerClosure(extra);
    if (below.has(name)) continue;
    seen.add(extra);
    for (const dep of below) seen.add(dep);
  }
  seen.delete(name);
  return seen;
}
