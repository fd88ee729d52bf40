import { AppError } from '@orderly/service-kit';
import { assertCanMove, canMove, exactCents, isVisibleTo, type OrderStatus } from './order.ts';

const STATUSES: OrderStatus[] = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'];
const LEGAL = new Set(['pending>confirmed', 'confirmed>shipped', 'shipped>delivered', 'pending>cancelled', 'confirmed>cancelled']);
const ALL_MOVES = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('order lifecycle', () => {
  it.each(ALL_MOVES)('when moving from %s to %s, then only the lifecycle moves are legal', (from, to) => {
    expect(canMove(from, to)).toBe(LEGAL.has(`${from}>${to}`));
  });

  it.each(ALL_MOVES.filter(([from, to]) => !LEGAL.has(`${from}>${to}`)))(
    'when moving from %s to %s, then it is a 409 naming the current status',
    (from, to) => {
      const error = catchError(() => assertCanMove(from, to));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 409, code: to === 'cancelled' ? 'order-not-cancellable' : 'invalid-status-transition' });
      expect((error as AppError).detail).toContain(`The order is ${from}`);
    },
  );

  it('when the move is legal, then assertCanMove does not throw', () => {
    expect(() => assertCanMove('pending', 'confirmed')).not.toThrow();
    expect(() => assertCanMove('confirmed', 'cancelled')).not.toThrow();
  });

  it('when a delivered or cancelled order is moved anywhere, then it is final', () => {
    for (const to of STATUSES) {
      expect(canMove('delivered', to)).toBe(false);
      expect(canMove('cancelled', to)).toBe(false);
    }
  });
});

describe('order visibility', () => {
  const order = { userId: 'owner' };
  it('when the actor owns the order or is an admin, then they see it; otherwise not', () => {
    expect(isVisibleTo(order, { userId: 'owner', isAdmin: false })).toBe(true);
    expect(isVisibleTo(order, { userId: 'someone', isAdmin: true })).toBe(true);
    expect(isVisibleTo(order, { userId: 'someone', isAdmin: false })).toBe(false);
  });
});

describe('exactCents', () => {
  it('when Postgres returns the largest legal total (10^15), then it is exact', () => {
    expect(exactCents('1000000000000000')).toBe(1_000_000_000_000_000);
    expect(exactCents(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(exactCents('0')).toBe(0);
  });

  it('when the amount would be rounded by a double, then it refuses it', () => {
    expect(() => exactCents('9007199254740993')).toThrow(RangeError);
    expect(() => exactCents('99999999999999999999')).toThrow(RangeError);
  });

  it('when the value is not an integer, then it refuses it', () => {
    for (const value of ['1.5', '', '1e3', ' 12', 'abc']) expect(() => exactCents(value)).toThrow(RangeError);
  });
});

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
