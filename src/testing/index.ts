export { createFakeClock, type FakeClock, type FakeTimer } from './fake-clock.ts';
export {
  createFakeTransport,
  type FakeAnswer,
  type FakeCall,
  type FakeFailure,
  type FakeHang,
  type FakeReply,
  type FakeTransport,
  type FakeTransportSettings,
} from './fake-transport.ts';
export {
  type ChatRequestBody,
  type ChatServer,
  type ChatServerSettings,
  type FaultOptions,
  type LoopbackCatalogFault,
  type LoopbackFault,
  type LoopbackFlavour,
  type LoopbackReply,
  startChatServer,
  startLiteLLMServer,
  startOpenRouterServer,
} from './loopback/chat-server.ts';
export type { HttpServerHandle, RecordedRequest } from './loopback/http-server.ts';
export {
  type InfisicalFault,
  type InfisicalIdentity,
  type InfisicalKmsKey,
  type InfisicalRoute,
  type InfisicalServer,
  type InfisicalServerSettings,
  startInfisicalServer,
} from './loopback/infisical-server.ts';
export {
  bundledListing,
  generateCatalogModels,
  type LoopbackCatalogModel,
  liteLLMModelInfo,
  openRouterModels,
} from './loopback/model-listings.ts';
export {
  type ProviderKeyBehaviour,
  type ProviderKeyFault,
  type ProviderKeyServer,
  type ProviderKeyServerSettings,
  type ProviderKeyServers,
  startProviderKeyServer,
  startProviderKeyServers,
} from './loopback/provider-key-server.ts';
