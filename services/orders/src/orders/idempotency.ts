/** The Idempotency-Key of POST /v1/orders (SPEC §4): what makes two requests "the same", and the claim. */
import { createHash } from 'node:crypto';
import type { OrderItem } from '@orderly/contracts';
import type { Queryable } from '@orderly/postgres';
import { AppError } from '@orderly/service-kit';
import { findIdempotencyKey, reserveIdempotencyKey, type KeyClaim } from './idempotency.repository.ts';

export interface PlaceOrderRequest {
  items: OrderItem[];
  currency: string;
}

export type ClaimResult = { kind: 'reserved' } | { kind: 'replay'; statusCode: number; body: unknown };

/**
 * SHA-256 of the request in a canonical form: fields in a fixed order, so that key order or
 * whitespace in the client's JSON does not matter, while item order and every value do.
 * Validation already refused unknown fields, so nothing else can differ.
 */
export function requestHash(request: PlaceOrderRequest): string {
  const canonical = JSON.stringify([
    'POST /v1/orders',
    request.currency,
    request.items.map((i) => [i.sku, i.quantity, i.unitPriceCents]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Claims the key inside the transaction that will create the order: either it is ours now, or the
 * committed response of the first request with this key is returned for replay. The same key with
 * another body is a 422. A row found here is locked by the reservation attempt and not expired, so
 * the cleanup cannot remove it in between.
 */
export async function claimIdempotencyKey(tx: Queryable, claim: KeyClaim): Promise<ClaimResult> {
  if (await reserveIdempotencyKey(tx, claim)) return { kind: 'reserved' };
  const stored = await findIdempotencyKey(tx, claim.userId, claim.key);
  if (!stored || stored.statusCode === null) throw new Error('An Idempotency-Key row was locked but has no response');
  if (stored.requestHash !== claim.requestHash) {
    throw new AppError(422, 'idempotency-key-reused', 'This Idempotency-Key was already used with a different request body.');
  }
  return { kind: 'replay', statusCode: stored.statusCode, body: stored.responseBody };
}
