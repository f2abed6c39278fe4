import type { HeaderReader } from '../http-headers.ts';

/** What an HTTP error answer looked like, as a classifier sees it. */
export interface HttpFailure {
  readonly status: number;
  /** The body's `error` object (OpenAI shape), or the whole body for other shapes. */
  readonly body: Record<string, unknown> | undefined;
  /** Best human-readable message from the body. */
  readonly message: string;
  readonly headers: HeaderReader | undefined;
}
