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
  type LoopbackFault,
  type LoopbackFlavour,
  type LoopbackReply,
  startChatServer,
  startLiteLLMServer,
  startOpenRouterServer,
} from './loopback/chat-server.ts';
export type { HttpServerHandle, RecordedRequest } from './loopback/http-server.ts';
