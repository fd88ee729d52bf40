import { dueRequests } from './paced-load.ts';

describe('dueRequests', () => {
  it('when the run starts, then the first request is due at once', () => {
    expect(dueRequests(0, 1000, 0)).toBe(1);
  });

  it('when time passes at 1,000 req/s, then one more request is due every millisecond', () => {
    expect(dueRequests(0.5, 1000, 1)).toBe(0);
    expect(dueRequests(1, 1000, 1)).toBe(1);
    expect(dueRequests(10.2, 1000, 5)).toBe(6);
  });

  it('when the sender is ahead, then nothing is due', () => {
    expect(dueRequests(3, 1000, 10)).toBe(0);
  });
});
