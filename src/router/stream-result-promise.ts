/** The one-time request for a stream's value, shared by a result and every promise derived from it. */
interface Demand {
  run: (() => void) | undefined;
}

/**
 * The `result` of a `ChatStream`: a promise that asks for the stream to be read only when someone
 * wants a value from it. Calling `then` with a fulfilment handler (what `await`, `.then(f)`,
 * `.finally(f)` and `Promise.all`/`race` do), on the result or on any promise derived from it,
 * calls `onDemand` once. `.catch(f)` only listens for a failure and asks for nothing, but what it
 * returns is such a promise too: `await stream.result.catch(f)` does ask.
 *
 * It has to be a subclass: `await` on a plain promise never calls an overridden `then`.
 */
export class StreamResultPromise<T> extends Promise<T> {
  // `super.then` derives plain promises; `then` below wraps them while the demand is pending.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #demand: Demand = { run: undefined };

  /** A pending promise and its settle functions; `onDemand` runs the first time a value is asked for. */
  static create<T>(onDemand: () => void): {
    promise: StreamResultPromise<T>;
    resolve: (value: T) => void;
    reject: (error: unknown) => void;
  } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new StreamResultPromise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    promise.#demand = { run: onDemand };
    return { promise, resolve, reject };
  }

  // biome-ignore lint/suspicious/noThenProperty: a promise subclass is a thenable on purpose.
  override then<Fulfilled = T, Rejected = never>(
    onFulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    const demand = this.#demand;
    if (typeof onFulfilled === 'function' && demand.run) {
      const run = demand.run;
      demand.run = undefined;
      run();
    }
    const derived = super.then(onFulfilled, onRejected);
    if (!demand.run) return derived;
    // Still nobody asked for a value: the derived promise keeps the ability to ask.
    const linked = new StreamResultPromise<Fulfilled | Rejected>((resolve, reject) => {
      derived.then(resolve, reject);
    });
    linked.#demand = demand;
    return linked;
  }
}
