/**
 * The layers of Hermes and the only edges allowed between them (CONTRIBUTING.md):
 * `record` <- `wal` <- `wal-store` -> `store`; apps (`apps/*`) may use any package; no package
 * uses an app. `wal-store` reaches record types through `@hermes/wal`, never directly.
 */
export const LAYER_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  '@hermes/record': [],
  '@hermes/store': [],
  '@hermes/wal': ['@hermes/record'],
  '@hermes/wal-store': ['@hermes/wal', '@hermes/store'],
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
