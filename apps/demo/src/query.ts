import { HttpError } from './http-error.js';

/**
 * Parses a raw query string strictly: `+` is a space, escapes must be valid UTF-8, every name
 * must be in `allowed` and appear at most once. Throws `HttpError` `BAD_QUERY` (400) otherwise.
 */
export function parseQuery(raw: string, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (raw.length === 0) return out;
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = decodePart(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodePart(eq === -1 ? '' : pair.slice(eq + 1));
    if (!allowed.includes(name)) {
      throw new HttpError(
        400,
        'BAD_QUERY',
        allowed.length === 0
          ? `Unknown query parameter "${name}"; this route takes no query parameters.`
          : `Unknown query parameter "${name}"; this route takes ${allowed.map((a) => `"${a}"`).join(', ')}.`,
      );
    }
    if (out.has(name)) {
      throw new HttpError(
        400,
        'BAD_QUERY',
        `Query parameter "${name}" is given twice; give it once.`,
      );
    }
    out.set(name, value);
  }
  return out;
}

/**
 * A true/false query parameter: absent or `false` is false, `true` or bare (`?name`) is true.
 * Throws `HttpError` `BAD_QUERY` (400) for another value, saying what `true` means.
 */
export function booleanParameter(
  query: ReadonlyMap<string, string>,
  name: string,
  meaning: string,
): boolean {
  const raw = query.get(name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true' || raw === '') return true;
  throw new HttpError(
    400,
    'BAD_QUERY',
    `${name} must be "true" (${meaning}) or "false", got "${raw.slice(0, 40)}".`,
  );
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch (cause) {
    throw new HttpError(
      400,
      'BAD_QUERY',
      'The query string is not valid percent-encoded UTF-8: encode each value with encodeURIComponent (a literal "+" is %2B).',
      { cause },
    );
  }
}
