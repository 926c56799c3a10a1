import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const call = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://outpost.test${path}`, init));

describe("GET /healthz", () => {
  it("answers ok when D1 is reachable, with a request id and Server-Timing", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("Server-Timing")).toContain("total;dur=");
  });

  it("echoes a sane client request id and replaces an unsafe one", async () => {
    const echoed = await call("/healthz", { headers: { "X-Request-Id": "client-req-12345" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("client-req-12345");
    const replaced = await call("/healthz", { headers: { "X-Request-Id": "bad id\twith spaces" } });
    expect(replaced.headers.get("X-Request-Id")).not.toContain("bad");
  });
});

describe("unknown routes", () => {
  it("answer 404 not_found as problem+json", async () => {
    const res = await call("/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = await res.json<{ code: string; requestId: string }>();
    expect(body.code).toBe("not_found");
    expect(body.requestId).toBe(res.headers.get("X-Request-Id"));
  });
});
