// `@bestviable/llm-router/otel`: OpenTelemetry traces and metrics for a router. Needs
// `@opentelemetry/api` (an optional peer dependency); the package root never loads it.

export { LLM_ROUTER } from './attribute-names.ts';
export { instrumentRouter } from './instrument-router.ts';
export type { RouterInstrumentation, RouterInstrumentationSettings } from './instrumentation-settings.ts';
