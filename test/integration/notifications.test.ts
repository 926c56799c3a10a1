import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db/client";
import { countUnread, unreadCountQuery } from "../../worker/push/inbox/queries";
import { call, type SignedIn } from "../setup/http";
import { createOk, registerDevice, visible, waitUntilSent } from "./push-campaign-helpers";

interface Item {
  id: string;
  campaignId: string;
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: number;
  readAt: number | null;
}
interface Page {
  items: Item[];
  cursor: number | null;
}

const inbox = (user: SignedIn, query = "") => call(`/v1/notifications${query}`, { token: user.accessToken });
const read = (user: SignedIn, id: string) =>
  call(`/v1/notifications/${id}/read`, { method: "POST", token: user.accessToken });

async function page(user: SignedIn, query = ""): Promise<Page> {
  const res = await inbox(user, query);
  expect(res.status).toBe(200);
  return res.json();
}

async function send(body: Record<string, unknown>): Promise<string> {
  const created = await createOk(body);
  await waitUntilSent(created.id);
  return created.id;
}

describe("GET /v1/notifications", () => {
  it("lists the caller's non-silent campaigns newest first, once per campaign, with paging", async () => {
    const phone = await registerDevice({ platform: "ios" });
    const tablet = await registerDevice({ platform: "android" }, phone.user);
    const user = phone.user;
    const target = { userIds: [user.userId] };
    const first = await send(visible({ title: "First", target }));
    await send({ data: { sync: "1" }, silent: true, target });
    const second = await send(visible({ title: "Second", data: { screen: "offers" }, target }));
    const third = await send(visible({ title: "Third", target }));
    expect(tablet.deviceId).not.toBe(phone.deviceId);

    const all = await page(user);
    expect(all.items.map((i) => i.campaignId)).toEqual([third, second, first]);
    expect(all.cursor).toBeNull();
    expect(all.items[1]).toMatchObject({
      title: "Second",
      body: "World",
      data: { screen: "offers" },
      readAt: null,
    });

    const p1 = await page(user, "?limit=2");
    expect(p1.items.map((i) => i.campaignId)).toEqual([third, second]);
    expect(p1.cursor).not.toBeNull();
    const p2 = await page(user, `?limit=2&cursor=${p1.cursor}`);
    expect(p2.items.map((i) => i.campaignId)).toEqual([first]);
    expect(p2.cursor).toBeNull();
  });

  it("shows nothing of other users' campaigns", async () => {
    const a = await registerDevice();
    const b = await registerDevice();
    await send(visible({ target: { deviceIds: [a.deviceId] } }));
    expect((await page(b.user)).items).toEqual([]);
    expect((await page(a.user)).items).toHaveLength(1);
  });

  it("refuses a bad limit or cursor with 400 invalid_query and anonymous callers with 401", async () => {
    const d = await registerDevice();
    for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?limit=1.5", "?cursor=-1", "?cursor=abc"]) {
      const res = await inbox(d.user, q);
      expect(res.status, q).toBe(400);
      expect((await res.json<{ code: string }>()).code).toBe("invalid_query");
    }
    expect((await call("/v1/notifications")).status).toBe(401);
  });
});

describe("POST /v1/notifications/{id}/read", () => {
  it("marks an entry read once, counts unread, and hides other users' entries", async () => {
    const d = await registerDevice();
    const other = await registerDevice();
    await send(visible({ title: "One", target: { deviceIds: [d.deviceId] } }));
    await send(visible({ title: "Two", target: { deviceIds: [d.deviceId] } }));
    expect(await countUnread(getDb(env.DB), d.user.userId)).toBe(2);
    const [latest] = (await page(d.user)).items;
    if (!latest) throw new Error("inbox empty");

    expect((await read(other.user, latest.id)).status).toBe(404);
    expect((await page(d.user)).items[0]?.readAt).toBeNull();

    expect((await read(d.user, latest.id)).status).toBe(204);
    const readAt = (await page(d.user)).items[0]?.readAt;
    expect(readAt).toBeGreaterThan(0);
    expect((await read(d.user, latest.id)).status).toBe(204);
    expect((await page(d.user)).items[0]?.readAt).toBe(readAt);

    expect(await countUnread(getDb(env.DB), d.user.userId)).toBe(1);
    const [row] = await unreadCountQuery(getDb(env.DB), d.user.userId);
    expect(row?.n).toBe(1);
    expect((await read(d.user, crypto.randomUUID())).status).toBe(404);
    expect((await call(`/v1/notifications/${latest.id}/read`, { method: "POST" })).status).toBe(401);
  });
});
