// `Bearer <b64token>` (RFC 6750 §2.1), scheme case-insensitive. Anything else, including two
// tokens, a comma-joined header or stray characters, is rejected rather than guessed at.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)$/i;

/** Longer headers are junk: real access tokens are well under 2 KiB. */
export const MAX_AUTHORIZATION_LENGTH = 8192;

/**
 * Returns the token of an `Authorization: Bearer <token>` header value, or `undefined` when the
 * header is absent, uses another scheme, or is not a single well-formed token.
 */
export function extractBearer(authorizationHeader: string | undefined): string | undefined {
  if (typeof authorizationHeader !== 'string' || authorizationHeader.length > MAX_AUTHORIZATION_LENGTH) {
    return undefined;
  }
  return BEARER.exec(authorizationHeader.trim())?.[1];
}
