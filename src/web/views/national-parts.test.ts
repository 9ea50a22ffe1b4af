import { describe, expect, it } from 'vitest';
import { pageNumbers } from './national-parts.tsx';

describe('the numbered pager (issue 11.1)', () => {
  it('numbers the pager: first, last and two either side, gaps as null', () => {
    expect(pageNumbers(1, 1)).toEqual([1]);
    expect(pageNumbers(1, 6)).toEqual([1, 2, 3, null, 6]);
    expect(pageNumbers(4, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pageNumbers(10, 20)).toEqual([1, null, 8, 9, 10, 11, 12, null, 20]);
  });
});
