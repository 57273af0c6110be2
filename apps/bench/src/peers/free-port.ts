import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on `host` (the OS picks it). Another process may take
 * it before the caller listens: a caller that can, retries on `EADDRINUSE`.
 * @default host '127.0.0.1'
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
