import { createRoute, z } from "@hono/zod-openapi";
import { InvalidIdToken, verifyIdToken } from "../auth/oidc";
import { endSession, refreshSession, startSession, type DeviceInfo } from "../auth/session";
import { insertUserStatement, signInIdentity, type UserRow } from "../auth/queries/users";
import { carryPurchasesToAccount } from "../entitlements/carry-over";
import { ledgerContext } from "../entitlements/context";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { primary } from "../middleware/database";
import { limitAuth } from "../middleware/rate-limit";
import { asOptionalUser, asPublic, asUser, createRouter, problem, problems } from "../openapi";
import type { Context } from "hono";

export const authRoutes = createRouter();

const DeviceId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const UserSchema = z
  .object({ id: z.string(), email: z.string().nullable(), anonymous: z.boolean() })
  .openapi("User");

const TokenResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
    user: UserSchema,
  })
  .openapi("TokenResponse");

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { ...json(schema), required: true } });

/** Device id from the body, else the X-Device-Id header; platform from X-Platform. */
function deviceOf(c: Context<AppEnv>, deviceId: string | undefined): DeviceInfo {
  const profile = c.get("profile");
  return { deviceId: deviceId ?? profile.deviceId ?? null, platform: profile.platform ?? null };
}

const userBody = (user: UserRow) => ({ id: user.id, email: user.email, anonymous: user.anonymous });

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/anonymous",
    operationId: "signInAnonymously",
    tags: ["auth"],
    summary: "Sign in anonymously (a new user; upgrade later with /v1/auth/oidc)",
    ...asPublic,
    middleware: [primary(), limitAuth("anonymous")],
    request: body(z.object({ deviceId: DeviceId.optional() }).strict()),
    responses: {
      200: { description: "Signed in", ...json(TokenResponse) },
      ...problems(400, 413, 415, 426, 429),
    },
  }),
  async (c) => {
    const { deviceId } = c.req.valid("json");
    const now = Date.now();
    const user: UserRow = { id: crypto.randomUUID(), email: null, anonymous: true };
    const tokens = await startSession(c.env, c.var.d1, user, deviceOf(c, deviceId), [
      insertUserStatement(c.var.d1, user, now),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({ ...tokens, user: userBody(user) }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/oidc",
    operationId: "signInWithOidc",
    tags: ["auth"],
    summary: "Sign in with an OpenID Connect ID token (upgrades the caller's anonymous user)",
    description:
      "With a valid anonymous access token as bearer, a new identity is linked to that same user " +
      "(same id, anonymous becomes false). An identity that already belongs to a user signs into " +
      "that user; nothing is merged, except the anonymous caller's store purchases, which move to that user.",
    ...asOptionalUser,
    middleware: [primary(), limitAuth("sign_in")],
    request: body(
      z
        .object({
          provider: z.string().min(1).max(64),
          idToken: z.string().min(1).max(16_384),
          nonce: z.string().min(1).max(512).optional(),
          deviceId: DeviceId.optional(),
        })
        .strict(),
    ),
    responses: {
      200: { description: "Signed in", ...json(TokenResponse) },
      ...problems(400, 413, 415, 426, 429),
      401: problem(401, "invalid_id_token, or unauthorized: the bearer sent is not a valid access token"),
    },
  }),
  async (c) => {
    const { provider, idToken, nonce, deviceId } = c.req.valid("json");
    let identity;
    try {
      identity = await verifyIdToken(c.env, provider, idToken, nonce);
    } catch (error) {
      if (!(error instanceof InvalidIdToken)) throw error;
      // The reason is for operators (a misconfigured audience shows up here), never for the client.
      const reason = error.message;
      console.log(
        JSON.stringify({
          level: "info",
          event: "invalid_id_token",
          requestId: c.get("requestId"),
          provider,
          reason,
        }),
      );
      throw new ApiError(401, "invalid_id_token", "The ID token could not be verified");
    }
    const auth = c.var.auth;
    const user = await signInIdentity(
      c.var.d1,
      identity,
      auth?.anonymous ? auth.userId : undefined,
      Date.now(),
    );
    // Signing an anonymous caller into an existing account: what it bought goes along.
    if (auth?.anonymous && user.id !== auth.userId)
      await carryPurchasesToAccount(ledgerContext(c), auth.userId, user.id);
    const tokens = await startSession(c.env, c.var.d1, user, deviceOf(c, deviceId));
    c.header("Cache-Control", "no-store");
    return c.json({ ...tokens, user: userBody(user) }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/refresh",
    operationId: "refreshTokens",
    tags: ["auth"],
    summary: "Exchange a refresh token for a new pair (single use, rotating)",
    description:
      "Re-presenting the immediately previous refresh token within 10 seconds of its use is a " +
      "retry and gets a working pair. Any other reuse revokes the session: 401 refresh_token_reused.",
    ...asPublic,
    middleware: [primary(), limitAuth("refresh")],
    request: body(z.object({ refreshToken: z.string().min(1).max(512) }).strict()),
    responses: {
      200: {
        description: "A new pair",
        ...json(TokenResponse.omit({ user: true }).openapi("RefreshResponse")),
      },
      ...problems(400, 413, 415, 426, 429),
      401: problem(401, "invalid_refresh_token, or refresh_token_reused (the session is revoked)"),
    },
  }),
  async (c) => {
    const { refreshToken } = c.req.valid("json");
    const pair = await refreshSession(c.env, c.var.d1, refreshToken);
    c.header("Cache-Control", "no-store");
    return c.json(pair, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout",
    operationId: "logout",
    tags: ["auth"],
    summary: "End the caller's session: its refresh token and access tokens stop working",
    ...asUser(primary()),
    responses: { 204: { description: "Signed out" }, ...problems(401, 426) },
  }),
  async (c) => {
    await endSession(c.var.d1, c.var.auth.sessionId, "logout");
    return c.body(null, 204);
  },
);
