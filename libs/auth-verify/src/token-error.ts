/**
 * Stable codes a verifier throws, so that callers answer 401 (or 503) without inspecting messages.
 * |code|meaning|statusCode|
 * |---|---|---|
 * |`token_missing`|no token was presented|401|
 * |`token_invalid`|malformed, bad signature, algorithm not allowed, wrong issuer or audience, bad claims|401|
 * |`token_expired`|the signature is good but `exp` has passed|401|
 * |`token_unknown_key`|its `kid` is not in the key set, even after the allowed refetch|401|
 * |`keys_unavailable`|no usable key set could be loaded (the auth service is unreachable)|503|
 */
export type TokenErrorCode =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_unknown_key'
  | 'keys_unavailable';

/**
 * A token was not accepted. `message` is a short reason that is safe to log; it never contains the
 * token, its claims or key material. Answer clients with the code's status and a generic text.
 */
export class TokenError extends Error {
  readonly code: TokenErrorCode;
  /** 401 for every token problem; 503 for `keys_unavailable`, which is the server's fault. */
  readonly statusCode: 401 | 503;

  constructor(code: TokenErrorCode, reason: string) {
    super(reason);
    this.name = 'TokenError';
    this.code = code;
    this.statusCode = code === 'keys_unavailable' ? 503 : 401;
  }
}
