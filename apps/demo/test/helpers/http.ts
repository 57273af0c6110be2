import { request } from 'undici';

/** A response read whole. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body parsed as JSON (throws if it is not). */
  json(): unknown;
}

/**
 * Sends one request with the path exactly as given (no URL normalization, so tests control the
 * percent-encoding byte for byte) and reads the whole response.
 */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  return {
    status: res.statusCode,
    headers: res.headers,
    body,
    json: () => JSON.parse(body.toString('utf8')),
  };
}

/** The path of key `key`, percent-encoded as a client should. */
export function kv(key: string): string {
  return `/kv/${encodeURIComponent(key)}`;
}
