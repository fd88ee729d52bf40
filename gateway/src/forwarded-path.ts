/**
 * Paths reach an instance exactly as the client sent them, so a path that a server could normalise
 * out of the service's prefix is refused first: any `..` segment, percent-encoded or written with
 * backslashes included, and percent-encoding that does not decode. The same rule as
 * @fastify/http-proxy's destination check, without its URL parsing: a path without `%` or `\` is
 * looked at segment by segment only when it holds `/..` at all.
 */

const ESCAPED = /[%\\]/;

/** Whether the path of `url` (a request target, query ignored) may be forwarded unchanged. */
export function isForwardablePath(url: string): boolean {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.charCodeAt(0) !== 47) return false;
  if (!ESCAPED.test(path)) return !path.includes('/..') || !path.split('/').includes('..');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return !decoded.replaceAll('\\', '/').split('/').includes('..');
}
