import { describe, expect, it } from "vitest";
import { Emitter } from "../../client/src/emitter";
import { Http, type HttpEvents } from "../../client/src/http";
import { defaultTimers, type FetchLike } from "../../client/src/platform";
import { memoryStorage } from "../../client/src/storage/memory";

/** An Http whose server answers 200 with `answer` as the bookmark, recording what it was sent. */
function client(answer: () => string | null) {
  const sent: (string | undefined)[] = [];
  const fetch: FetchLike = async (_url, init = {}) => {
    sent.push((init.headers as Record<string, string> | undefined)?.["Outpost-Bookmark"]);
    const bookmark = answer();
    return {
      status: 200,
      headers: new Headers(bookmark ? { "Outpost-Bookmark": bookmark } : {}),
      text: async () => "{}",
    };
  };
  const storage = memoryStorage();
  const http = new Http({
    baseUrl: "https://outpost.test",
    fetch,
    storage,
    timers: defaultTimers,
    timeoutMs: 1_000,
    deviceHeaders: () => ({}),
    events: new Emitter<HttpEvents>(),
    now: () => Date.now(),
  });
  return { http, sent, storage };
}

const mark = (n: number) => `0000004c-${String(n).padStart(8, "0")}-00000000-${"0".repeat(32)}`;

describe("the SDK's consistency bookmark", () => {
  it("sends the newest it heard: a response's always, a poke's only when newer", async () => {
    let answer: string | null = mark(5);
    const { http, sent, storage } = client(() => answer);
    await http.request("GET", "/v1/me", { auth: "none" });
    answer = null; // a response without one leaves ours as it is
    await http.request("GET", "/v1/me", { auth: "none" });
    expect(sent).toEqual([undefined, mark(5)]);

    await http.notePokedBookmark(mark(3)); // a late poke of an older change: ignored
    await http.request("GET", "/v1/me", { auth: "none" });
    await http.notePokedBookmark(mark(9)); // a poke of a newer change: read with it
    await http.request("GET", "/v1/me", { auth: "none" });
    expect(sent.slice(2)).toEqual([mark(5), mark(9)]);
    expect(await storage.get("outpost:bookmark")).toBe(mark(9));
  });
});
