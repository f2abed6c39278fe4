export { createRouterLanguageModel } from './create-router-language-model.ts';
export { createRouterProvider, type RouterProvider } from './create-router-provider.ts';
export type { RouterMetadata } from './router-metadata.ts';
export {
  ROUTER_PROVIDER_KEY,
  type RouterCallDefaults,
  type RouterCallOptions,
  type RouterModelOptions,
  type RouterProviderSettings,
} from './router-provider-settings.ts';
export { toAiSdkError } from './to-ai-sdk-error.ts';
