import { z } from 'zod';

const ms = z.number().int().max(2_147_483_647);

/** Checks `createRouterOpenAIClient()` settings once (requirements are checked per call by the router). */
export const routerOpenAIClientSettingsSchema = z.strictObject({
  user: z.string().min(1, 'expected a non-empty user id').optional(),
  tags: z.array(z.string()).optional(),
  require: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: ms.positive().optional(),
  waitForHeadroomMs: ms.nonnegative().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  timeout: ms.positive().optional(),
  logger: z.custom((value) => typeof value === 'object' && value !== null, 'expected a logger').optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'off']).optional(),
});
