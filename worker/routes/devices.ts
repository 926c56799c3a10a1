import { createRoute, z } from "@hono/zod-openapi";
import { deleteDevice, listDevices } from "../devices/queries";
import { deviceIdSchema, deviceRegistrationSchema, registerDevice } from "../devices/registration";
import { ApiError, notFound } from "../errors";
import { asUser, createRouter, problem, problems } from "../openapi";

/** The caller's app installs, mounted at /v1/devices. */
export const devicesRoutes = createRouter();

const DeviceSchema = z
  .object({
    id: z.string(),
    platform: z.enum(["ios", "android"]),
    pushProvider: z.enum(["apns", "fcm"]).nullable(),
    pushToken: z.string().nullable(),
    pushTokenUpdatedAt: z.number().int().nullable(),
    pushTokenInvalidAt: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Set when FCM/APNs called the token dead; the app should register a new one" }),
    appVersion: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    topics: z.array(z.string()),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Device");

devicesRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{deviceId}",
    operationId: "registerDevice",
    tags: ["devices"],
    summary: "Register or update this install (idempotent; replaces the registration)",
    description:
      "Fields left out are cleared (PUT replaces). A push token held by another device row, of this " +
      "or another user, moves to this device. A deviceId registered by another user moves to the " +
      "caller only when the body presents the push token that device holds (the phone changed " +
      "hands) or that user signed out on it; otherwise 409 device_owned_elsewhere and nothing " +
      "changes (the app should generate a new install id and register that).",
    ...asUser(),
    request: {
      params: z.object({ deviceId: deviceIdSchema }),
      body: { content: { "application/json": { schema: deviceRegistrationSchema } }, required: true },
    },
    responses: {
      200: { description: "The device", content: { "application/json": { schema: DeviceSchema } } },
      ...problems(400, 401, 413, 415, 426),
      409: problem(409, "device_owned_elsewhere: the deviceId is another user's device; nothing changed"),
    },
  }),
  async (c) => {
    const { deviceId } = c.req.valid("param");
    const device = await registerDevice(
      c.var.db,
      c.var.auth.userId,
      deviceId,
      c.req.valid("json"),
      Date.now(),
    );
    // 409, not 404: a PUT creates, so "not found" would tell the app nothing it can act on; the
    // id is a random install id, so saying it is taken reveals nothing about whose it is.
    if (!device) {
      throw new ApiError(409, "device_owned_elsewhere", "This deviceId is registered to another user");
    }
    c.header("Cache-Control", "no-store");
    return c.json(device, 200);
  },
);

devicesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "listDevices",
    tags: ["devices"],
    summary: "The caller's devices",
    ...asUser(),
    responses: {
      200: {
        description: "The caller's devices, oldest first",
        content: { "application/json": { schema: z.object({ devices: z.array(DeviceSchema) }) } },
      },
      ...problems(401, 426),
    },
  }),
  async (c) => {
    const devices = await listDevices(c.var.db, c.var.auth.userId);
    c.header("Cache-Control", "no-store");
    return c.json({ devices }, 200);
  },
);

devicesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{deviceId}",
    operationId: "deleteDevice",
    tags: ["devices"],
    summary: "Unregister a device (it stops receiving pushes)",
    ...asUser(),
    request: { params: z.object({ deviceId: deviceIdSchema }) },
    responses: {
      204: { description: "Deleted" },
      ...problems(400, 401, 426),
      404: problem(404, "No such device among the caller's devices"),
    },
  }),
  async (c) => {
    const { deviceId } = c.req.valid("param");
    // Another user's device answers exactly like a missing one: no existence oracle.
    if (!(await deleteDevice(c.var.db, c.var.auth.userId, deviceId))) throw notFound("No such device");
    return c.body(null, 204);
  },
);
