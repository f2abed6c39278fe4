import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import {
  addMoneySum,
  addNanoUsd,
  createMoneySum,
  formatMoneySum,
  moneySumToNanoUsd,
  moneySumToUsd,
  nanoUsdToUsd,
  subtractMoneySum,
  usdToMoneySum,
  usdToNanoUsd,
} from '../../src/usage/money-sum.ts';

describe('money in nano-dollars', () => {
  it('converts USD floats to the nearest nano-dollar and back', () => {
    expect(usdToNanoUsd(0.1 + 0.2)).toBe(300_000_000);
    expect(usdToNanoUsd(1e-8)).toBe(10); // one token at the cheapest catalog price
    expect(usdToNanoUsd(7.5e-8 * 3)).toBe(225);
    expect(usdToNanoUsd(0)).toBe(0);
    expect(Object.is(usdToNanoUsd(-1e-10), 0)).toBe(true); // no -0
    expect(nanoUsdToUsd(300_000_000)).toBe(0.3);
    expect(() => usdToNanoUsd(Number.NaN)).toThrow(InvalidRequestError);
    expect(() => usdToNanoUsd(1e7)).toThrow(/usd: .*between -\$9,007,199 and \$9,007,199; got 10000000/);
  });

  it('sums exactly where floats drift', () => {
    const sum = createMoneySum();
    let naive = 0;
    for (let index = 0; index < 1_000_000; index++) {
      addNanoUsd(sum, usdToNanoUsd(1e-7));
      naive += 1e-7;
    }
    expect(naive).not.toBe(0.1);
    expect(moneySumToUsd(sum)).toBe(0.1);
    expect(formatMoneySum(sum)).toBe('0.100000000');
    expect(moneySumToNanoUsd(sum)).toBe(100_000_000n);
  });

  it('carries into whole dollars, so totals stay exact beyond the safe-integer range of nano-dollars', () => {
    const sum = createMoneySum();
    // 2,000 × $9,000,000.000000001 = $18,000,000,000.000002: 1.8e19 nano-dollars, past 2^53.
    for (let index = 0; index < 2_000; index++) {
      addNanoUsd(sum, 9_000_000 * 1e9);
      addNanoUsd(sum, 1);
    }
    expect(sum).toEqual({ wholeUsd: 18_000_000_000, nanoUsd: 2_000 });
    expect(formatMoneySum(sum)).toBe('18000000000.000002000');
    expect(moneySumToNanoUsd(sum)).toBe(18_000_000_000_000_002_000n);
    expect(moneySumToUsd(sum)).toBe(Number('18000000000.000002')); // the double nearest the exact total
  });

  it('subtracts and formats negative amounts', () => {
    const small = usdToMoneySum(1.25);
    const large = usdToMoneySum(3);
    subtractMoneySum(small, large);
    expect(small).toEqual({ wholeUsd: -2, nanoUsd: 250_000_000 });
    expect(formatMoneySum(small)).toBe('-1.750000000');
    expect(moneySumToUsd(small)).toBe(-1.75);
    addMoneySum(small, usdToMoneySum(1.75));
    expect(formatMoneySum(small)).toBe('0.000000000');
  });

  it('converts large float amounts without losing whole dollars', () => {
    expect(formatMoneySum(usdToMoneySum(123_456_789.5))).toBe('123456789.500000000');
    expect(() => usdToMoneySum(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
