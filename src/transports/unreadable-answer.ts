/**
 * Thrown while reading a gateway's answer that cannot be used: wrong types, an impossible tool-call
 * index, an answer larger than `answerLimits`. Transports turn it into a `bad-response`
 * `GatewayError` carrying this message; it never reaches callers as such.
 */
export class UnreadableAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableAnswer';
  }
}
