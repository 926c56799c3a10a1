/**
 * The benchmark's entry for the latency model (`bench/roundtrips.bench.ts`): Outpost as built,
 * with `env.DB` wrapped by `withLatency` for the Worker and the sync space's object alike.
 * `POST /__bench/latency/{local|primary|sessions}` switches the model (module state: locally the
 * Worker and its Durable Objects share one isolate).
 */
import outpost, { SyncSpace as OutpostSyncSpace } from "../../worker/index";
import { setLatencyModel, withLatency, type LatencyModel } from "./latency-d1";

// Every Durable Object class as Outpost exports it, except SyncSpace (below: a local export wins).
export * from "../../worker/index";

const MODELS = new Set<string>(["local", "primary", "sessions"]);
const delayed = (env: Env): Env => ({ ...env, DB: withLatency(env.DB) });

export class SyncSpace extends OutpostSyncSpace {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, delayed(env));
  }
}

export default {
  fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/__bench/latency/")) {
      const name = path.slice("/__bench/latency/".length);
      if (!MODELS.has(name)) return new Response("unknown model", { status: 400 });
      setLatencyModel(name as LatencyModel);
      return new Response(name);
    }
    return outpost.fetch(request, delayed(env), ctx);
  },
  queue: (batch, env, ctx) => outpost.queue(batch, delayed(env), ctx),
  scheduled: (controller, env, ctx) => outpost.scheduled(controller, delayed(env), ctx),
} satisfies ExportedHandler<Env>;
