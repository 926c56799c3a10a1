import { describe, expect, it } from "vitest";
import type { PushMessage } from "../../worker/push/providers/provider";
import { validatePushPayload } from "../../worker/push/campaigns/payload";

const base: PushMessage = {
  title: "Hello",
  body: "World",
  data: { screen: "inbox" },
  silent: false,
  priority: "high",
  messageId: "00000000-0000-4000-8000-000000000000",
};
const msg = (over: Partial<PushMessage>): PushMessage => ({ ...base, ...over });
const paths = (m: PushMessage) => validatePushPayload(m).map((e) => e.path);

describe("validatePushPayload", () => {
  it.each([
    { name: "a plain alert", message: msg({}) },
    {
      name: "a silent push without title or body",
      message: msg({ silent: true, title: undefined, body: undefined }),
    },
    { name: "a body only", message: msg({ title: undefined }) },
    { name: "a 64-byte collapse key", message: msg({ collapseKey: "k".repeat(64) }) },
    { name: "a TTL of exactly four weeks", message: msg({ ttlSeconds: 2_419_200 }) },
    { name: "a title with a newline (it travels in JSON, not a header)", message: msg({ title: "a\nb" }) },
    {
      name: "data just under 4 KiB as built",
      message: msg({ title: "t", body: "b", data: { k: "x".repeat(3900) } }),
    },
  ])("accepts $name", ({ message }) => {
    expect(validatePushPayload(message)).toEqual([]);
  });

  it.each([
    {
      name: "a number in data",
      message: msg({ data: { count: 3 } as unknown as Record<string, string> }),
      path: "data.count",
    },
    {
      name: "a nested object in data",
      message: msg({ data: { a: {} } as unknown as Record<string, string> }),
      path: "data.a",
    },
    {
      name: "data that is not an object",
      message: msg({ data: "x" as unknown as Record<string, string> }),
      path: "data",
    },
    { name: "the reserved key from", message: msg({ data: { from: "x" } }), path: "data.from" },
    {
      name: "the reserved key notification",
      message: msg({ data: { notification: "x" } }),
      path: "data.notification",
    },
    {
      name: "the reserved key message_type",
      message: msg({ data: { message_type: "x" } }),
      path: "data.message_type",
    },
    { name: "a google.* key", message: msg({ data: { "google.c.a.e": "1" } }), path: "data.google.c.a.e" },
    { name: "a gcm.* key", message: msg({ data: { "gcm.n.e": "1" } }), path: "data.gcm.n.e" },
    { name: "an aps key that would clash with APNs", message: msg({ data: { aps: "x" } }), path: "data.aps" },
    { name: "an empty data key", message: msg({ data: { "": "x" } }), path: "data" },
    {
      name: "a visible push with neither title nor body",
      message: msg({ title: undefined, body: undefined }),
      path: "title",
    },
    {
      name: "a collapse key with CR/LF",
      message: msg({ collapseKey: "a\r\nx-evil: 1" }),
      path: "collapseKey",
    },
    {
      name: "a collapse key over 64 bytes",
      message: msg({ collapseKey: "é".repeat(33) }),
      path: "collapseKey",
    },
    { name: "an empty collapse key", message: msg({ collapseKey: "" }), path: "collapseKey" },
    { name: "a negative TTL", message: msg({ ttlSeconds: -1 }), path: "ttlSeconds" },
    { name: "a TTL over four weeks", message: msg({ ttlSeconds: 2_419_201 }), path: "ttlSeconds" },
    { name: "a fractional TTL", message: msg({ ttlSeconds: 1.5 }), path: "ttlSeconds" },
    { name: "data over 4 KiB as built", message: msg({ data: { k: "x".repeat(4100) } }), path: "data" },
  ])("rejects $name", ({ message, path }) => {
    expect(paths(message)).toContain(path);
  });

  it("counts bytes, not characters, against 4 KiB", () => {
    // 1,400 three-byte characters: 1,400 characters but 4,200 bytes.
    const errors = validatePushPayload(msg({ body: "€".repeat(1400) }));
    expect(errors.map((e) => e.message).join(" ")).toMatch(/bytes/);
  });

  it("reports both providers when a payload is too big for both", () => {
    const messages = validatePushPayload(msg({ data: { k: "x".repeat(5000) } })).map((e) => e.message);
    expect(messages.some((m) => m.includes("FCM"))).toBe(true);
    expect(messages.some((m) => m.includes("APNs"))).toBe(true);
  });
});
