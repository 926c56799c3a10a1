import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../worker/middleware/body-limit";
import { anonymousUser, call, type SignedIn } from "../setup/http";

/**
 * The request pipeline's own guarantees (worker/app.ts), through a real write endpoint: every
 * refused body is answered with the contract's problem+json code and changes nothing.
 */

const validDevice = { platform: "android", appVersion: "3.2.1", locale: "de-CH", timezone: "Europe/Zurich" };
const encoder = new TextEncoder();

let user: SignedIn;
beforeAll(async () => {
  user = await anonymousUser();
});

function putDevice(
  deviceId: string,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  return exports.default.fetch(
    new Request(`http://outpost.test/v1/devices/${deviceId}`, {
      method: "PUT",
      headers: {
        Authorization: `Bearer ${user.accessToken}`,
        "Content-Type": "application/json",
        ...headers,
      },
      body,
      // A stream body goes out chunked (no Content-Length).
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit),
  );
}

/** A body that arrives in `chunks` pieces of `size` bytes, with no Content-Length. */
function chunked(chunks: number, size: number, fill = 0x20): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ >= chunks) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(fill));
    },
  });
}

async function expectProblem(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = await res.json<{ code: string; requestId: string; detail: string }>();
  expect(body.code).toBe(code);
  expect(body.requestId).toBe(res.headers.get("X-Request-Id"));
  expect(JSON.stringify(body)).not.toMatch(/stack|SQLITE|at \w+ \(/i);
}

async function deviceExists(deviceId: string): Promise<boolean> {
  const res = await call("/v1/devices", { token: user.accessToken });
  const { devices } = await res.json<{ devices: { id: string }[] }>();
  return devices.some((d) => d.id === deviceId);
}

describe("the request pipeline", () => {
  it("accepts a valid JSON body, also when it arrives chunked without Content-Length", async () => {
    const id = crypto.randomUUID();
    const bytes = encoder.encode(JSON.stringify(validDevice));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    expect((await putDevice(id, stream)).status).toBe(200);
    expect(await deviceExists(id)).toBe(true);
  });

  it("refuses a body over 1 MiB by its declared length: 413 payload_too_large, nothing stored", async () => {
    const id = crypto.randomUUID();
    const padding = " ".repeat(MAX_BODY_BYTES);
    await expectProblem(
      await putDevice(id, `${JSON.stringify(validDevice)}${padding}`),
      413,
      "payload_too_large",
    );
    expect(await deviceExists(id)).toBe(false);
  });

  it("refuses a chunked body that grows past 1 MiB while streaming, nothing stored", async () => {
    const id = crypto.randomUUID();
    // 40 chunks of 32 KiB = 1.25 MiB, no Content-Length: only counting the stream catches it.
    await expectProblem(await putDevice(id, chunked(40, 32 * 1024)), 413, "payload_too_large");
    expect(await deviceExists(id)).toBe(false);
  });

  it("takes a body of exactly 1 MiB past the limit check (then judges it as JSON)", async () => {
    const id = crypto.randomUUID();
    const json = JSON.stringify(validDevice);
    const body = json + " ".repeat(MAX_BODY_BYTES - encoder.encode(json).byteLength);
    expect(encoder.encode(body).byteLength).toBe(MAX_BODY_BYTES);
    expect((await putDevice(id, body)).status).toBe(200);
  });

  it("refuses invalid UTF-8 instead of replacing it: 400 invalid_json, nothing stored", async () => {
    const id = crypto.randomUUID();
    const head = encoder.encode(
      '{"platform":"android","locale":"de-CH","appVersion":"3.2.1","timezone":"Europe/Zurich',
    );
    const body = new Uint8Array([...head, 0xff, 0xfe, ...encoder.encode('"}')]);
    await expectProblem(await putDevice(id, body), 400, "invalid_json");
    expect(await deviceExists(id)).toBe(false);
  });

  it("refuses malformed JSON: 400 invalid_json, nothing stored", async () => {
    const id = crypto.randomUUID();
    await expectProblem(await putDevice(id, '{"platform": "android",'), 400, "invalid_json");
    expect(await deviceExists(id)).toBe(false);
  });

  it("refuses an object that names a key twice (a smuggling vector): 400 invalid_json", async () => {
    const id = crypto.randomUUID();
    const body = '{"platform":"android","appVersion":"3.2.1","platform":"ios"}';
    await expectProblem(await putDevice(id, body), 400, "invalid_json");
    const escaped = '{"platform":"android","pl\\u0061tform":"ios"}';
    await expectProblem(await putDevice(id, escaped), 400, "invalid_json");
    expect(await deviceExists(id)).toBe(false);
  });

  it("refuses unknown fields with invalid_body and errors[], nothing stored", async () => {
    const id = crypto.randomUUID();
    const res = await putDevice(id, JSON.stringify({ ...validDevice, isAdmin: true }));
    expect(res.status).toBe(400);
    const body = await res.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(body.code).toBe("invalid_body");
    expect(body.errors.length).toBeGreaterThan(0);
    expect(await deviceExists(id)).toBe(false);
  });

  it("refuses a body that is not JSON: 415 unsupported_media_type, nothing stored", async () => {
    const id = crypto.randomUUID();
    const res = await putDevice(id, JSON.stringify(validDevice), { "Content-Type": "text/plain" });
    await expectProblem(res, 415, "unsupported_media_type");
    expect(await deviceExists(id)).toBe(false);
  });

  it("answers every response, errors included, with X-Request-Id and Server-Timing", async () => {
    for (const res of [await call("/healthz"), await call("/v1/me"), await putDevice("x", "{")]) {
      expect(res.headers.get("X-Request-Id")).toBeTruthy();
      expect(res.headers.get("Server-Timing")).toMatch(/total;dur=/);
      await res.body?.cancel();
    }
  });
});
