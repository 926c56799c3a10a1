import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminHeaders, anonymousUser, call } from "../setup/http";
import { createSpace } from "./sync-helpers";

/**
 * The audit of finding 5's class beyond sync: every body that crosses into storage, a queue or a
 * Durable Object refuses a `__proto__` key (zod's records skip it silently) and deep nesting,
 * and refusing changes nothing. Bodies are hand-written: JSON.stringify of a literal loses
 * `__proto__`.
 */
const raw = (path: string, method: string, body: string, headers: Record<string, string>) =>
  call(path, { method, body, headers: { ...headers, "Content-Type": "application/json" } });

const nested = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
const admin = () => adminHeaders(env.ADMIN_API_KEY);

async function code(res: Response): Promise<string | undefined> {
  return (await res.json<{ code?: string }>()).code;
}

describe("__proto__ keys and deep nesting outside sync", () => {
  it("refuses a campaign whose data names __proto__ or nests deep, creating nothing", async () => {
    const marker = `proto-${crypto.randomUUID()}`;
    for (const data of ['{"__proto__":"x","k":"v"}', `{"k":${nested(5000)}}`]) {
      const res = await raw(
        "/v1/push/campaigns",
        "POST",
        `{"title":"${marker}","body":"b","data":${data},"target":{"userIds":["nobody"]}}`,
        { ...admin(), "Idempotency-Key": crypto.randomUUID() },
      );
      expect(res.status).toBe(400);
      expect(await code(res)).toBe("invalid_body");
    }
    const row = await env.DB.prepare("SELECT count(*) AS n FROM push_campaigns WHERE title = ?")
      .bind(marker)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it("refuses a remote config whose flags name __proto__ or nest deep, keeping the stored one", async () => {
    const before = await (await call("/v1/admin/config", { headers: admin() })).text();
    for (const flags of [
      '{"__proto__":{"default":true},"ok":{"default":true}}',
      `{"ok":{"default":${nested(5000)}}}`,
    ]) {
      const res = await raw("/v1/admin/config", "PUT", `{"flags":${flags}}`, admin());
      expect(res.status).toBe(400);
      expect(await code(res)).toBe("invalid_body");
    }
    expect(await (await call("/v1/admin/config", { headers: admin() })).text()).toBe(before);
  });

  it("refuses a member, device or space body with a __proto__ key or deep nesting, changing nothing", async () => {
    const owner = await anonymousUser();
    const other = await anonymousUser();
    const spaceId = await createSpace({ token: owner.accessToken });
    const auth = { Authorization: `Bearer ${owner.accessToken}` };
    const attempts: [string, string, string][] = [
      [
        `/v1/spaces/${spaceId}/members`,
        "POST",
        `{"userId":"${other.userId}","role":"editor","__proto__":{}}`,
      ],
      [`/v1/spaces/${spaceId}/members`, "POST", `{"userId":${nested(5000)},"role":"editor"}`],
      [`/v1/devices/${owner.deviceId}`, "PUT", `{"platform":"ios","__proto__":{"topics":["x"]}}`],
      [`/v1/devices/${owner.deviceId}`, "PUT", `{"platform":"ios","topics":${nested(5000)}}`],
      ["/v1/spaces", "POST", `{"name":"x","__proto__":{"name":"y"}}`],
    ];
    for (const [path, method, body] of attempts) {
      const res = await raw(path, method, body, auth);
      expect(res.status, `${method} ${path} ${body.slice(0, 60)}`).toBe(400);
      expect(await code(res)).toBe("invalid_body");
    }
    const { members } = await (
      await call(`/v1/spaces/${spaceId}/members`, { token: owner.accessToken })
    ).json<{ members: { userId: string }[] }>();
    expect(members.map((m) => m.userId)).toEqual([owner.userId]);
    expect(await (await call("/v1/devices", { token: owner.accessToken })).json()).toEqual({ devices: [] });
  });
});
