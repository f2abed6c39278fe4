import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { describeValue } from './describe-value.ts';

/**
 * Money is summed in integer nano-dollars (1 nano-USD = 1e-9 USD), never as floating-point USD.
 *
 * Why nano and not micro: catalog prices go down to 1e-8 USD per token, so one short call on a
 * cheap model costs a fraction of a micro-dollar; rounding each call to micro-dollars would
 * undercount systematically (a million calls of 0.3 micro-USD would sum to $0). One nano-dollar
 * resolves a single token at every catalog price.
 *
 * Why a two-part sum: a lone safe integer of nano-dollars tops out at about $9 million. A
 * `MoneySum` keeps whole dollars and the nano-dollar remainder apart, so a total is exact up to
 * 2^53 dollars while every addition stays a plain integer add on numbers (fast on the hot path).
 */

/** Nano-dollars in one US dollar. */
export const NANO_USD_PER_USD = 1_000_000_000;

/**
 * USD (as the router reports it, a float) to the nearest whole nano-dollar.
 *
 * @throws InvalidRequestError naming `usd` when it is not a number, not finite, or too large to
 * convert exactly (over ~$9 million for one amount; sum larger totals with `MoneySum`).
 */
export function usdToNanoUsd(usd: number): number {
  const nanoUsd = typeof usd === 'number' ? Math.round(usd * NANO_USD_PER_USD) : Number.NaN;
  if (!Number.isSafeInteger(nanoUsd)) {
    throw new InvalidRequestError({
      option: 'usd',
      message: `expected a finite USD amount between -$9,007,199 and $9,007,199; got ${describeValue(usd)}.`,
    });
  }
  // Math.round(-0.4) is -0; keep zero positive so it prints and compares as 0.
  return nanoUsd === 0 ? 0 : nanoUsd;
}

/**
 * Nano-dollars to USD (a float, for display and JSON; sum in nano-dollars, convert last).
 * @throws InvalidRequestError naming `nanoUsd` when it is not a safe integer.
 */
export function nanoUsdToUsd(nanoUsd: number): number {
  if (!Number.isSafeInteger(nanoUsd)) {
    throw new InvalidRequestError({
      option: 'nanoUsd',
      message: `expected a whole number of nano-dollars (a safe integer); got ${describeValue(nanoUsd)}.`,
    });
  }
  return nanoUsd / NANO_USD_PER_USD;
}

/**
 * An exact running total of money. Invariant: `wholeUsd` is an integer and
 * `0 <= nanoUsd < 1e9`; the amount is `wholeUsd + nanoUsd / 1e9` USD (negative totals have a
 * negative `wholeUsd`). Mutable on purpose: reports add millions of amounts into one.
 */
export interface MoneySum {
  wholeUsd: number;
  nanoUsd: number;
}

/** A zero `MoneySum`. */
export function createMoneySum(): MoneySum {
  return { wholeUsd: 0, nanoUsd: 0 };
}

/**
 * Adds an integer amount of nano-dollars to `sum`, exactly.
 *
 * @example
 * const total = createMoneySum();
 * for (const record of records) addNanoUsd(total, usdToNanoUsd(record.costUsd));
 * moneySumToUsd(total);
 */
export function addNanoUsd(sum: MoneySum, nanoUsd: number): void {
  let nano = sum.nanoUsd + nanoUsd;
  if (nano >= NANO_USD_PER_USD || nano < 0) {
    const carry = Math.floor(nano / NANO_USD_PER_USD);
    sum.wholeUsd += carry;
    nano -= carry * NANO_USD_PER_USD;
  }
  sum.nanoUsd = nano;
}

/** Adds one `MoneySum` into another. */
export function addMoneySum(sum: MoneySum, other: MoneySum): void {
  sum.wholeUsd += other.wholeUsd;
  addNanoUsd(sum, other.nanoUsd);
}

/**
 * The total in USD as a float: the exact sum, rounded once, so a total of 1.214930988 USD is the
 * double nearest 1.214930988 (adding the parts would round twice and could give ...9879999999).
 */
export function moneySumToUsd(sum: MoneySum): number {
  const nanoUsd = sum.wholeUsd * NANO_USD_PER_USD + sum.nanoUsd;
  if (Number.isSafeInteger(nanoUsd)) return nanoUsd / NANO_USD_PER_USD;
  // Beyond ~$9 million a double cannot hold every nano-dollar anyway; round through the decimal.
  return Number(formatMoneySum(sum));
}

/** The total in nano-dollars, exactly, as a bigint (for any size). */
export function moneySumToNanoUsd(sum: MoneySum): bigint {
  return BigInt(sum.wholeUsd) * BigInt(NANO_USD_PER_USD) + BigInt(sum.nanoUsd);
}

/**
 * The exact total as a decimal string with nine decimals, e.g. `"0.100000000"` or `"-1.250000000"`:
 * what CSV and JSON exports carry so no float rounding reaches a spreadsheet.
 */
export function formatMoneySum(sum: MoneySum): string {
  const total = moneySumToNanoUsd(sum);
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  const whole = magnitude / BigInt(NANO_USD_PER_USD);
  const fraction = (magnitude % BigInt(NANO_USD_PER_USD)).toString().padStart(9, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Subtracts one `MoneySum` from another, exactly. */
export function subtractMoneySum(sum: MoneySum, other: MoneySum): void {
  sum.wholeUsd -= other.wholeUsd;
  addNanoUsd(sum, -other.nanoUsd);
}

/**
 * A float USD amount of any size as a `MoneySum` (whole dollars split off first, the rest rounded
 * to the nearest nano-dollar). For amounts computed from prices, such as a savings baseline.
 */
export function usdToMoneySum(usd: number): MoneySum {
  if (!Number.isFinite(usd)) throw new RangeError(`Expected a finite USD amount; got ${usd}.`);
  const wholeUsd = Math.floor(usd);
  const sum = { wholeUsd, nanoUsd: 0 };
  addNanoUsd(sum, Math.round((usd - wholeUsd) * NANO_USD_PER_USD));
  return sum;
}
