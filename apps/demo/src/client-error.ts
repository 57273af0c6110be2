import type { Socket } from 'node:net';
import type { ErrorBody } from './http-error.js';

/** An error Node's HTTP parser raised for a request it could not read (`clientError`). */
interface ParserError extends Error {
  readonly code?: string;
}

/**
 * Answers a request that Node's HTTP parser could not read, before any route sees it, in the
 * service's documented shape: 431 `HEADERS_TOO_LARGE` for a URL or headers over Node's limit,
 * 400 `BAD_REQUEST` for anything else malformed (a raw space or a non-ASCII byte in the path,
 * a bad request line), then closes the connection. A socket that is gone or already answering
 * is destroyed.
 */
export function answerClientError(error: ParserError, socket: Socket): void {
  if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
    socket.destroy(error);
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body: ErrorBody = tooLarge
    ? {
        error: 'HEADERS_TOO_LARGE',
        message:
          "The URL or the headers are over 16 KiB (Node's limit): shorten the key, or send long keys and values in a POST /batch body.",
      }
    : {
        error: 'BAD_REQUEST',
        message:
          'The request could not be read as HTTP: percent-encode the path (a space is %20, non-ASCII characters are their UTF-8 bytes as %XX) and send a valid request line.',
      };
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
