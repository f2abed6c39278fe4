import type { HealthReport } from '@bestviable/llm-router';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { formatCount, formatTable } from '../format-table.ts';
import { createRouterFromFlags, GATEWAY_OPTIONS } from '../options/gateway-options.ts';
import { readWholeNumber } from '../read-values.ts';

function healthTables(report: HealthReport): string {
  const checks = report.gateways.flatMap((gateway) => {
    const entries = Object.entries(gateway.checks);
    if (entries.length === 0) return [[gateway.gateway, gateway.ok ? 'ok' : 'DOWN', '-', '-', '-', '']];
    return entries.map(([name, check]) => [
      gateway.gateway,
      check.ok ? 'ok' : 'DOWN',
      name,
      check.status === undefined ? '-' : String(check.status),
      `${formatCount(Math.round(check.latencyMs))} ms`,
      check.error ?? '',
    ]);
  });
  const gateways = formatTable(
    [
      { header: 'GATEWAY' },
      { header: 'STATE' },
      { header: 'CHECK' },
      { header: 'HTTP', align: 'right' },
      { header: 'LATENCY', align: 'right' },
      { header: 'ERROR' },
    ],
    checks,
  );
  const breakers =
    report.breakers.length === 0
      ? 'Breakers: none yet in this process (breakers live in each router process and start closed).\n'
      : formatTable(
          [
            { header: 'BREAKER' },
            { header: 'STATE' },
            { header: 'RETRY IN', align: 'right' },
            { header: 'CALLS', align: 'right' },
            { header: 'FAILURES', align: 'right' },
          ],
          report.breakers.map((breaker) => [
            breaker.name,
            breaker.state,
            breaker.retryAfterMs === undefined ? '-' : `${formatCount(breaker.retryAfterMs)} ms`,
            formatCount(breaker.fires),
            formatCount(breaker.failures),
          ]),
        );
  const verdict = report.ok ? 'All gateways answered.\n' : 'A gateway did not answer its checks.\n';
  return `${gateways}\n${breakers}\n${verdict}`;
}

/** `llm-router health`: `router.health()` over the configured gateways. */
export const healthCommand: CommandSpec = {
  path: ['health'],
  summary: 'Check the gateways (LiteLLM liveliness and readiness, the OpenRouter key) and show the breakers.',
  details: [
    'Exits 0 when every configured gateway answered its checks, 1 when one did not.',
    'OpenRouter is checked only when its key is set. --deep also calls LiteLLM GET /health, which makes a real',
    '(billable) call to every deployment.',
  ],
  options: {
    ...GATEWAY_OPTIONS,
    deep: {
      type: 'boolean',
      description: 'Also call LiteLLM GET /health (real, billable calls to every deployment).',
    },
    'timeout-ms': {
      type: 'string',
      placeholder: '<ms>',
      description: 'Time every check together may take. Default 5000.',
    },
  },
  examples: [
    'LITELLM_BASE_URL=https://litellm.example.com llm-router health',
    'llm-router health --litellm-url http://localhost:4000 --litellm-key-env MY_LITELLM_KEY --json',
  ],
  async run({ io, flags, json, verbose }) {
    const timeoutMs = readWholeNumber(flags, 'timeout-ms', 1);
    const router = createRouterFromFlags(io, flags, verbose);
    try {
      const report = await router.health({
        deep: flags.boolean('deep'),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      io.out(json ? `${JSON.stringify(report, null, 2)}\n` : healthTables(report));
      return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    } finally {
      await router.close();
    }
  },
};
