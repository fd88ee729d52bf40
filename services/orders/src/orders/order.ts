/** The rules of an order that need no I/O: its lifecycle, who may see it, and exact money. */
import type { Order, OrderStatus } from '@orderly/contracts';
import { AppError } from '@orderly/service-kit';

export type { Order, OrderStatus };

/** Who is acting: the token's user, and whether they hold the admin role. */
export interface Actor {
  userId: string;
  isAdmin: boolean;
}

/** Every legal move; anything else is a conflict. */
const NEXT_STATUSES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** Throws the 409 for an illegal move; the problem names the order's current status. */
export function assertCanMove(from: OrderStatus, to: OrderStatus): void {
  if (canMove(from, to)) return;
  if (to === 'cancelled') {
    throw new AppError(409, 'order-not-cancellable', `The order is ${from}; only pending or confirmed orders can be cancelled.`);
  }
  throw new AppError(409, 'invalid-status-transition', `The order is ${from}; it cannot move to ${to}.`);
}

/** Owners and admins see an order; for anyone else it does not exist (404, never 403). */
export function isVisibleTo(order: Pick<Order, 'userId'>, actor: Actor): boolean {
  return actor.isAdmin || order.userId === actor.userId;
}

export function orderNotFound(): AppError {
  return new AppError(404, 'order-not-found', 'No such order.');
}

/**
 * An amount of minor units from a Postgres `bigint` (which pg returns as a string), as a JSON-safe
 * number. Totals are computed by Postgres; this refuses anything a double would round.
 */
export function exactCents(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new RangeError(`Not an integer amount: ${JSON.stringify(value)}`);
  const cents = Number(value);
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Amount ${value} is not exactly representable`);
  return cents;
}
