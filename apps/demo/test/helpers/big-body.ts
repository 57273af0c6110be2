import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';

/** 1 MiB of filler, written again and again: a big body is streamed, never held whole. */
const CHUNK = Buffer.alloc(1024 * 1024, 'a');

/** What a client sending a big body got back. */
export interface BigBodyAnswer {
  /** The status read, or `undefined` when no complete answer arrived. */
  readonly status: number | undefined;
  /** The answer's body as text ('' when none). */
  readonly body: string;
  /** The socket error the client met (`EPIPE`, `ECONNRESET`, ...), if any. */
  readonly error: string | undefined;
  /** Body bytes the client managed to write. */
  readonly sent: number;
}

/** A body of `size` bytes as {@link CHUNK}s (the last one cut to size). */
function* bodyChunks(size: number): Generator<Buffer> {
  for (let sent = 0; sent < size; sent += CHUNK.length) {
    yield sent + CHUNK.length <= size ? CHUNK : CHUNK.subarray(0, size - sent);
  }
}

/**
 * Sends `size` bytes with Node's `fetch` (undici), streamed, with a `Content-Length`, as most Node
 * code would: it does not wait for an answer before sending.
 */
export async function fetchBigBody(
  base: string,
  method: string,
  path: string,
  size: number,
): Promise<BigBodyAnswer> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(Readable.from(bodyChunks(size))) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: await res.text(), error: undefined, sent: size };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: undefined, body: '', error: cause?.code ?? String(error), sent: 0 };
  }
}

/**
 * Sends `size` bytes on a raw socket, writing the whole body (with `Content-Length`, or chunked)
 * without waiting for the answer, then reads the answer: the way a simple client, or one that
 * ignores early answers, behaves. Resolves once the whole answer is read or the socket ended.
 */
export async function rawBigBody(
  base: string,
  method: string,
  path: string,
  size: number,
  framing: 'length' | 'chunked',
): Promise<BigBodyAnswer> {
  const { hostname, port } = new URL(base);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let received = Buffer.alloc(0);
  let error: string | undefined;
  let sent = 0;
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (completeAnswer(received) !== undefined) resolve();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
      resolve();
    });
    socket.on('close', () => resolve());
  });
  await once(socket, 'connect');
  const head =
    `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/octet-stream\r\n` +
    (framing === 'length'
      ? `Content-Length: ${size}\r\n\r\n`
      : 'Transfer-Encoding: chunked\r\n\r\n');
  try {
    await write(socket, Buffer.from(head));
    for (const data of bodyChunks(size)) {
      if (framing === 'chunked')
        await write(socket, Buffer.from(`${data.length.toString(16)}\r\n`));
      await write(socket, data);
      if (framing === 'chunked') await write(socket, Buffer.from('\r\n'));
      sent += data.length;
    }
    if (framing === 'chunked') await write(socket, Buffer.from('0\r\n\r\n'));
  } catch (e) {
    error ??= (e as NodeJS.ErrnoException).code ?? String(e);
  }
  await answered;
  socket.destroy();
  const answer = completeAnswer(received);
  return { status: answer?.status, body: answer?.body ?? '', error, sent };
}

/** Writes and waits until the socket takes more (its buffer drained), or fails. */
function write(socket: net.Socket, data: Buffer): Promise<void> {
  if (socket.destroyed)
    return Promise.reject(Object.assign(new Error('closed'), { code: 'EPIPE' }));
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    socket.once('error', onError);
    const flushed = socket.write(data, (e) => {
      if (e) reject(e);
    });
    const done = (): void => {
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => reject(Object.assign(new Error('closed'), { code: 'EPIPE' }));
    socket.once('close', onClose);
    if (flushed) done();
    else socket.once('drain', done);
  });
}

/** The status and body of a whole HTTP answer with a `Content-Length`, or `undefined` if incomplete. */
function completeAnswer(bytes: Buffer): { status: number; body: string } | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = bytes.subarray(0, end).toString('latin1');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  if (bytes.length < end + 4 + length) return undefined;
  return { status, body: bytes.subarray(end + 4, end + 4 + length).toString('utf8') };
}
