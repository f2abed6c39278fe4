/**
 * Aborts `to` (with the same reason) when `from` aborts, at once if it already has. Returns the
 * function that stops forwarding; call it when `to`'s work is done, so no listener outlives it.
 */
export function forwardAbort(from: AbortSignal | undefined, to: AbortController): () => void {
  if (!from) return () => {};
  if (from.aborted) {
    to.abort(from.reason);
    return () => {};
  }
  const onAbort = () => to.abort(from.reason);
  from.addEventListener('abort', onAbort, { once: true });
  return () => from.removeEventListener('abort', onAbort);
}
