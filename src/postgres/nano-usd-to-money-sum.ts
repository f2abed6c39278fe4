import { type MoneySum, NANO_USD_PER_USD } from '../usage/money-sum.ts';

const NANO = BigInt(NANO_USD_PER_USD);

/**
 * An exact sum of nano-dollars as PostgreSQL returns it (`sum(bigint)` is a `numeric`, sent as
 * text) to a `MoneySum`: whole dollars and the remainder, exact at any size.
 */
export function nanoUsdToMoneySum(nanoUsd: string | null | undefined): MoneySum {
  const total = BigInt(nanoUsd ?? 0);
  let whole = total / NANO;
  let rest = total % NANO;
  if (rest < 0n) {
    whole -= 1n;
    rest += NANO;
  }
  return { wholeUsd: Number(whole), nanoUsd: Number(rest) };
}
