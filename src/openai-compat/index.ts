export {
  createRouterOpenAIClient,
  type RouterOpenAIClientSettings,
} from './create-router-openai-client.ts';
export { describeError, type ErrorAnswer } from './error-response.ts';
export {
  ROUTER_COMPLETION_FIELD,
  type RouterCompletionMetadata,
  routerMetadataOf,
} from './router-completion-metadata.ts';
export { IGNORED_PARAMETERS, UNSUPPORTED_PARAMETERS } from './unsupported-parameters.ts';
