export { createRouterProvider, type RouterProvider } from './create-router-provider.ts';
export { getRouterMetadata, type RouterMetadata } from './router-metadata.ts';
export {
  ROUTER_PROVIDER_KEY,
  type RouterCallDefaults,
  type RouterCallOptions,
  type RouterModelOptions,
  type RouterProviderSettings,
} from './router-provider-settings.ts';
