import type { GatewayId, ModelDefinition, ModelPricing, PriceProvenance } from './model.ts';

/** The models the router can route to, with prices and capabilities. */
export interface ModelCatalog {
  /** The date the bundled prices were taken, or the date you gave. */
  readonly date: string;
  get(id: string): ModelDefinition | undefined;
  list(): readonly ModelDefinition[];
  /** The price of a model on a gateway: the gateway's own offer where it differs, else the model's. */
  pricing(model: ModelDefinition, gateway: GatewayId): ModelPricing;
  /** Where `pricing(model, gateway)` came from, and its date. @default `user`, as of `date` */
  priceSource?(model: ModelDefinition, gateway: GatewayId): PriceProvenance;
  /**
   * Whether `gateway` serves a model under `name`: `false` only when its live catalog is known and
   * lacks the name (LiteLLM's `/model/info`). @default true
   */
  serves?(gateway: GatewayId, name: string): boolean;
  /** The catalog id of a model by its name on a gateway, aliases included. */
  resolveName?(name: string): string | undefined;
}
