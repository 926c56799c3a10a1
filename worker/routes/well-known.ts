import { createRoute, z } from "@hono/zod-openapi";
import { getKeyRing } from "../auth/keys";
import { asPublic, createRouter } from "../openapi";

export const wellKnownRoutes = createRouter();

const Jwk = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .openapi("PublicJwk");

wellKnownRoutes.openapi(
  createRoute({
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    tags: ["auth"],
    summary: "Public keys that verify Outpost access tokens (for other services)",
    ...asPublic,
    responses: {
      200: {
        description: "JWK set",
        content: { "application/json": { schema: z.object({ keys: z.array(Jwk) }) } },
      },
    },
  }),
  async (c) => {
    const { publicJwks } = await getKeyRing(c.env);
    // A few minutes: short enough that a key added for rotation is picked up well before it signs.
    c.header("Cache-Control", "public, max-age=300");
    return c.json({ keys: publicJwks }, 200);
  },
);
