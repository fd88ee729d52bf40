export { extractBearer } from './extract-bearer.ts';
export type { VerifierLogger } from './key-source.ts';
export { TokenError, type TokenErrorCode } from './token-error.ts';
export {
  createTokenVerifier,
  TOKEN_VERIFIER_DEFAULTS,
  type LocalJwksOptions,
  type RemoteJwksOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedIdentity,
} from './token-verifier.ts';
