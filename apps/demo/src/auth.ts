import { createHash, timingSafeEqual } from 'node:crypto';

/** Shortest token the service takes: guessing it must be hopeless. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Whether `given` is the service's token, compared in constant time: both are hashed first, so
 * neither their contents nor their lengths show in how long the comparison takes.
 */
export function tokenMatches(given: string | Uint8Array, token: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** Whether a connection's remote address (`socket.remoteAddress`) is on this machine's loopback. */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (address === undefined) return false;
  return isLoopback(address.startsWith('::ffff:') ? address.slice(7) : address);
}

/** Whether `host` is a loopback address (reachable only from this machine). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
