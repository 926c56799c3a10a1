import { HTTPException } from "hono/http-exception";
import { ApiError, problemResponse } from "./errors";
import { handleConsole } from "./console-loader";
import { compressResponse } from "./http/compress";
import { appVersionPolicy } from "./middleware/app-version";
import { authenticate } from "./middleware/auth";
import { bodyLimit } from "./middleware/body-limit";
import { database } from "./middleware/database";
import { deviceProfile } from "./middleware/device-profile";
import { jsonBody } from "./middleware/json-body";
import { requestId } from "./middleware/request-id";
import { requestLog } from "./middleware/request-log";
import { apiDocument, createRouter, registerSecuritySchemes } from "./openapi";
import { accountRoutes } from "./routes/account";
import { adminRoutes } from "./routes/admin";
import { appStorePurchaseRoutes, appStoreWebhookRoutes } from "./routes/app-store";
import { authRoutes } from "./routes/auth";
import { configRoutes } from "./routes/config";
import { devicesRoutes } from "./routes/devices";
import { docsRoutes } from "./routes/docs";
import { entitlementsRoutes } from "./routes/entitlements";
import { graphqlRoutes } from "./routes/graphql";
import { healthRoutes } from "./routes/health";
import { notificationsRoutes } from "./routes/notifications";
import { playPurchaseRoutes, playWebhookRoutes } from "./routes/play";
import { pushRoutes } from "./routes/push";
import { screensRoutes } from "./routes/screens";
import { spacesRoutes } from "./routes/spaces";
import { syncRoutes } from "./routes/sync";
import { wellKnownRoutes } from "./routes/well-known";

export const app = createRouter();

// The request pipeline, in order. Each step is its own middleware.
app.use(requestId()); //          X-Request-Id (echo a sane one, else generate)
app.use(requestLog()); //         one JSON log line per request + Server-Timing
app.use(database()); //           c.var.db: this request's database handle
app.use(deviceProfile()); //      headers → DeviceProfile, accepted codings included (parsed once)
app.use(compressResponse()); //   encoding chosen per device profile, applied once; ETag + 304 here
app.use(bodyLimit()); //          1 MiB, counted as it streams (chunked bodies too)
// The console (HTML forms, its own cookie session and CSRF checks; worker/console/): answered
// here, before the JSON API's steps, from its own ES module loaded on the first console request,
// so API requests never load it (worker/console-loader.ts).
app.on(["GET", "POST"], ["/console", "/console/*"], handleConsole);
app.use(jsonBody()); //           strict UTF-8, duplicate-free JSON, parsed once
app.use(appVersionPolicy()); //   426 upgrade_required below the platform's minimum
app.use(authenticate()); //       Bearer access token → c.var.auth (routes guard with requireUser)

app.route("/", healthRoutes);
app.route("/", wellKnownRoutes);
app.route("/v1/auth", authRoutes);
app.route("/v1", accountRoutes);
app.route("/v1/devices", devicesRoutes);
app.route("/v1/config", configRoutes);
app.route("/v1/admin", adminRoutes);
app.route("/v1/sync", syncRoutes);
app.route("/v1/spaces", spacesRoutes);
app.route("/v1/push", pushRoutes);
app.route("/v1/notifications", notificationsRoutes);
app.route("/v1/screens", screensRoutes);
app.route("/v1/entitlements", entitlementsRoutes);
app.route("/v1/purchases", appStorePurchaseRoutes);
app.route("/v1/webhooks", appStoreWebhookRoutes);
app.route("/v1/purchases", playPurchaseRoutes);
app.route("/v1/webhooks", playWebhookRoutes);
app.route("/graphql", graphqlRoutes);

// The OpenAPI document client generators read (every operation names its operationId and security).
registerSecuritySchemes(app.openAPIRegistry);
app.doc31("/openapi.json", apiDocument);
app.route("/", docsRoutes); // /docs: Swagger UI from our own static assets (/docs-ui/*)

app.notFound((c) =>
  problemResponse(new ApiError(404, "not_found", "No such route"), c.get("requestId") ?? ""),
);

app.onError((error, c) => {
  const requestId = c.get("requestId") ?? "";
  if (error instanceof ApiError) return problemResponse(error, requestId);
  if (error instanceof HTTPException) {
    // Hono's own validators throw these for unreadable bodies; map them onto stable codes.
    const mapped =
      error.status === 400
        ? new ApiError(400, "invalid_json", "The body is not valid JSON")
        : error.status === 401
          ? new ApiError(401, "unauthorized")
          : error.status === 413
            ? new ApiError(413, "payload_too_large")
            : error.status === 404
              ? new ApiError(404, "not_found")
              : new ApiError(500, "internal", "Something went wrong");
    return problemResponse(mapped, requestId);
  }
  console.error(
    JSON.stringify({
      level: "error",
      requestId,
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    }),
  );
  return problemResponse(new ApiError(500, "internal", "Something went wrong"), requestId);
});
