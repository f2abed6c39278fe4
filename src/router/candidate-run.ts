import type { Candidate } from '../ranking/candidate.ts';
import type { Attempt, Route } from '../types/route.ts';

/** The candidate that answered, and how the call got there. */
export interface CandidateRun<T> {
  readonly value: T;
  readonly candidate: Candidate;
  readonly route: Route;
  readonly attempts: readonly Attempt[];
  /** Whether the call left its first-ranked candidate. */
  readonly fallback: boolean;
}
