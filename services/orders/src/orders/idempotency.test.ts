import { requestHash } from './idempotency.ts';

const request = { currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPriceCents: 100 }, { sku: 'B', quantity: 2, unitPriceCents: 5 }] };

describe('requestHash', () => {
  it('when the same request arrives with its fields in another order, then the hash is the same', () => {
    const reordered = { items: request.items.map((i) => ({ unitPriceCents: i.unitPriceCents, quantity: i.quantity, sku: i.sku })), currency: 'EUR' };
    expect(requestHash(reordered)).toBe(requestHash(request));
  });

  it('when any value or the order of the items differs, then the hash differs', () => {
    const base = requestHash(request);
    expect(requestHash({ ...request, currency: 'USD' })).not.toBe(base);
    expect(requestHash({ ...request, items: [...request.items].reverse() })).not.toBe(base);
    expect(requestHash({ ...request, items: [{ ...request.items[0]!, quantity: 3 }, request.items[1]!] })).not.toBe(base);
    expect(requestHash({ ...request, items: [{ ...request.items[0]!, sku: 'A2' }, request.items[1]!] })).not.toBe(base);
  });
});
