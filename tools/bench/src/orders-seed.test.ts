import { shuffled } from './orders-seed.ts';

describe('shuffled', () => {
  it('when shuffled, then every item is kept, the order changes and is the same every time', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const once = shuffled(items);
    expect([...once].sort((a, b) => a - b)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(shuffled(items)).toEqual(once);
  });
});
