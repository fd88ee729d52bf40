import { median, percentileOfSorted, SampleBuffer, summariseLatencies } from './stats.ts';

describe('percentileOfSorted', () => {
  it('when asked for p50 and p99 of 1..100, then it answers by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(values, 50)).toBe(50);
    expect(percentileOfSorted(values, 99)).toBe(99);
    expect(percentileOfSorted(values, 100)).toBe(100);
  });

  it('when there is one value, then every percentile is that value', () => {
    expect(percentileOfSorted([7], 1)).toBe(7);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it('when there are no values, then the answer is NaN', () => {
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  it('when the percentile is out of range, then it throws', () => {
    expect(() => percentileOfSorted([1], 0)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], 101)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('when the count is odd, then it is the middle value whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
  });

  it('when the count is even, then it is the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('when values are not finite, then they are ignored, and none left gives NaN', () => {
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('summariseLatencies', () => {
  it('when given unsorted samples, then count, mean, percentiles and max come from the sorted values', () => {
    const summary = summariseLatencies(Float64Array.from([4, 1, 3, 2, 10]));
    expect(summary).toEqual({ count: 5, meanMs: 4, p50Ms: 3, p90Ms: 10, p99Ms: 10, maxMs: 10 });
  });
});

describe('SampleBuffer', () => {
  it('when more samples than its initial capacity are pushed, then all of them are kept in order', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 70_000; i++) buffer.push(i / 2);
    const values = buffer.toArray();
    expect(buffer.length).toBe(70_000);
    expect(values[0]).toBe(0);
    expect(values[69_999]).toBe(69_999 / 2);
  });
});
