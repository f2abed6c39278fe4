/**
 * Largest token count accepted from a gateway for one field of one call (input, output or cached).
 * Counts must be whole, non-negative numbers up to this; anything else is ignored.
 */
export const MAX_REPORTED_TOKENS = 100_000_000;

/**
 * Largest USD cost accepted from a gateway for one call or one failed attempt. Costs must be finite,
 * non-negative numbers up to this; anything else is ignored.
 */
export const MAX_REPORTED_COST_USD = 1_000;
