import { expect } from 'vitest';
import type { LimitDenial, Reservation, ReserveResult } from '../../src/limits/rate-limiter.ts';

/** The reservation of a granted result; fails the test with the denial otherwise. */
export function granted(result: ReserveResult): Reservation {
  if (!result.granted)
    expect.fail(`expected the reservation to be granted, got: ${JSON.stringify(result.denial)}`);
  return result.reservation;
}

/** The binding denial of a denied result; fails the test otherwise. */
export function denied(result: ReserveResult): LimitDenial {
  if (result.granted) expect.fail('expected the reservation to be denied');
  return result.denial;
}
