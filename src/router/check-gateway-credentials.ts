import type { SettingIssue } from '../errors/invalid-settings-error.ts';
import type { RouterSettings } from './router-settings.ts';

/** What the router does about gateways that could not authenticate, decided at construction. */
export interface GatewayCredentialCheck {
  /** Settings to refuse: a gateway enabled explicitly that cannot authenticate. */
  readonly issues: readonly SettingIssue[];
  /** One line per gateway left out because it was configured without what it needs. */
  readonly warnings: readonly string[];
}

const PROVIDERS = ['openai', 'anthropic', 'google', 'cohere', 'mistral'] as const;

/**
 * Which gateways can authenticate, from settings already checked by the schema.
 *
 * - LiteLLM: a key is optional. A proxy started without a `master_key` accepts calls with no key,
 *   and a key may also come in `headers`; a proxy that wants one answers 401, which falls back.
 * - OpenRouter: always needs a key. Enabled explicitly without one: refused. Configured
 *   (`gateways.openrouter` given) without `enabled` and without a key, e.g. from an unset
 *   environment variable: left out, with one warning.
 * - direct: enabled explicitly, it needs a key for at least one enabled provider, or BYOK keys.
 *
 * A gateway whose transport is replaced (`transports.<id>`) authenticates however that transport
 * does: nothing is required of it here.
 */
export function checkGatewayCredentials(settings: RouterSettings): GatewayCredentialCheck {
  const issues: SettingIssue[] = [];
  const warnings: string[] = [];
  const { gateways, transports } = settings;

  const openrouter = gateways?.openrouter;
  if (openrouter && openrouter.apiKey === undefined && transports?.openrouter === undefined) {
    if (openrouter.enabled === true)
      issues.push({
        setting: 'gateways.openrouter.apiKey',
        problem:
          'OpenRouter is enabled but has no key, so every call would be refused (401): pass apiKey (e.g. process.env.OPENROUTER_API_KEY), or set enabled: false',
      });
    else if (openrouter.enabled === undefined)
      warnings.push(
        '[llm-router] OpenRouter is left out: gateways.openrouter is configured but gateways.openrouter.apiKey is not set (is OPENROUTER_API_KEY empty?). Set the key, or enabled: false to silence this warning.',
      );
  }

  if (gateways?.direct?.enabled === true && transports?.direct === undefined) {
    const byok = settings.keys !== undefined && settings.byok !== 'off';
    const anyKey = PROVIDERS.some((id) => {
      const provider = settings.providers === undefined ? {} : settings.providers[id];
      return provider !== undefined && provider.enabled !== false && provider.apiKey !== undefined;
    });
    if (!byok && !anyKey)
      issues.push({
        setting: 'gateways.direct.enabled',
        problem:
          'the direct gateway has no key to call any provider with: set providers.<id>.apiKey for at least one provider, or `keys` (BYOK)',
      });
  }
  return { issues, warnings };
}
