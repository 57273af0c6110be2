import { expect } from 'vitest';
import type { ChildService } from './child.js';
import { http, kv } from './http.js';
import { openSse } from './sse.js';

/** Stops every service of `children` (SIGTERM) and empties the list once each has exited. */
export async function stopChildren(children: ChildService[]): Promise<void> {
  for (const service of children.splice(0)) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
}

/** The flags that make the service a replica of `stream` on the cluster of `servers`. */
export function replicaArgs(servers: readonly string[], stream: string): string[] {
  return ['--log', servers.join(','), '--stream', stream];
}

/**
 * PUTs `value` under `key` on replica `from` and resolves with the change event it causes on
 * replica `to`'s `GET /watch` (opened first), so a test waits for the write to arrive, no longer.
 */
export async function putAndSee(from: ChildService, to: ChildService, key: string, value: string) {
  const [event] = await putAndSeeOnEach(from, [to], key, value);
  return event;
}

/**
 * PUTs `value` under `key` on replica `from` once every replica of `to` has a `GET /watch` of
 * the key open, and resolves with the change event each of them sees. As a replica applies the
 * stream in order, once it sees the write it has applied every message before it.
 */
export async function putAndSeeOnEach(
  from: ChildService,
  to: readonly ChildService[],
  key: string,
  value: string,
) {
  const watches = await Promise.all(
    to.map((replica) => openSse(replica.url, `/watch?prefix=${encodeURIComponent(key)}`)),
  );
  try {
    for (const watch of watches) expect((await watch.nextEvent())?.event).toBe('ready');
    expect((await http(from.url, 'PUT', kv(key), { body: value })).status).toBe(204);
    return await Promise.all(watches.map((watch) => watch.nextEvent()));
  } finally {
    for (const watch of watches) watch.close();
  }
}

/** Polls `GET /healthz` of `service` every second until `done(status)` or `ms` passed; the last reply. */
export async function healthzUntil(
  service: ChildService,
  done: (status: number) => boolean,
  ms: number,
) {
  const deadline = Date.now() + ms;
  let health = await http(service.url, 'GET', '/healthz');
  while (!done(health.status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    health = await http(service.url, 'GET', '/healthz');
  }
  return health;
}

/** The stream sequence `replica` applied last, from its `/healthz`. */
export async function appliedSeqOf(replica: ChildService): Promise<number> {
  const health = await http(replica.url, 'GET', '/healthz');
  expect(health.status).toBe(200);
  return (health.json() as { log: { appliedSeq: number } }).log.appliedSeq;
}

/**
 * Every key and value `replica` holds, in key order: the keys page by page through `GET /kv`
 * (`limit=1000`, `after=<next>`), then each value by `GET /kv/<key>`. Meant for a replica no
 * one writes to any more.
 */
export async function contentsOf(replica: ChildService): Promise<Map<string, string>> {
  const keys: string[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
    const page = await http(replica.url, 'GET', `/kv?limit=1000${query}`);
    expect(page.status).toBe(200);
    const body = page.json() as { keys: string[]; next: string | null };
    keys.push(...body.keys);
    after = body.next;
  } while (after !== null);
  const contents = new Map<string, string>();
  for (const key of keys) {
    const got = await http(replica.url, 'GET', kv(key));
    expect(got.status, `GET ${key}`).toBe(200);
    contents.set(key, got.body.toString('utf8'));
  }
  return contents;
}
