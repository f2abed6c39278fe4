import * as z from 'zod/mini';
import { whole } from '../errors/check-settings.ts';

const ms = (bound: ReturnType<typeof z.positive>) =>
  z.optional(
    z.number().check(whole('expected a whole number of milliseconds'), bound, z.maximum(2_147_483_647)),
  );

/** Checks `createRouterOpenAIClient()` settings once (requirements are checked per call by the router). */
export const routerOpenAIClientSettingsSchema = z.strictObject({
  user: z.optional(z.string().check(z.minLength(1, 'expected a non-empty user id'))),
  tags: z.optional(z.array(z.string())),
  require: z.optional(z.record(z.string(), z.unknown())),
  timeoutMs: ms(z.positive()),
  waitForHeadroomMs: ms(z.nonnegative()),
  maxRetries: z.optional(
    z.number().check(whole('expected a whole number of retries'), z.minimum(0), z.maximum(10)),
  ),
  timeout: ms(z.positive()),
  logger: z.optional(z.custom((value) => typeof value === 'object' && value !== null, 'expected a logger')),
  logLevel: z.optional(z.enum(['debug', 'info', 'warn', 'error', 'off'])),
});
