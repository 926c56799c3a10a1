import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, type StartedWorker, startWorker } from "./start-worker";

// The built bundle over a real loopback socket, read with node:http so nothing decodes for us:
// these are the bytes that leave. Locally miniflare plays Cloudflare's front line: the Worker sees
// `Accept-Encoding: br, gzip` whatever the client sent (the client's own header is in
// `cf.clientAcceptEncoding`, which the Worker honours), and a response in a coding the client did
// not ask for would be re-encoded for it. So: each client must get its own coding, passed through
// untouched, and decode it once into the screen.

let worker: StartedWorker;
let token: string;
let nextMutation = 1;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(path: string, headers: Record<string, string>, method = "GET"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${worker.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Undoes the response's Content-Encoding exactly once. */
function decodeOnce(r: Raw): string {
  const coding = r.headers["content-encoding"];
  if (coding === "br") return brotliDecompressSync(r.body).toString("utf8");
  if (coding === "gzip") return gunzipSync(r.body).toString("utf8");
  expect(coding).toBeUndefined();
  return r.body.toString("utf8");
}

async function push(mutations: { collection: string; key: string; value: Record<string, unknown> }[]) {
  const res = await fetchJson(worker.url, "/v1/sync/me/push", {
    method: "POST",
    token,
    json: {
      clientId: "e2e-screens",
      mutations: mutations.map((m) => ({ id: nextMutation++, op: "put", ...m })),
    },
  });
  expect(res.status).toBe(200);
}

const auth = () => ({ Authorization: `Bearer ${token}` });
const fast3x = {
  DPR: "3",
  "Viewport-Width": "390",
  ECT: "4g",
  "X-App-Version": "3.2.0",
  "X-Platform": "ios",
};
const saveData2g = {
  DPR: "3",
  "Viewport-Width": "390",
  ECT: "2g",
  "Save-Data": "on",
  "X-App-Version": "3.0.0",
};

interface Home {
  recent: Record<string, unknown>[];
  spaces: { recordCount: number }[];
}

beforeAll(async () => {
  worker = await startWorker({ bindings: { IMAGE_HOSTS: "images.example.com,cdn.example.org" } });
  const signIn = await fetchJson<{ accessToken: string }>(worker.url, "/v1/auth/anonymous", {
    method: "POST",
    json: { deviceId: crypto.randomUUID() },
  });
  expect(signIn.status).toBe(200);
  token = signIn.body.accessToken;
  await push(
    Array.from({ length: 40 }, (_, i) => ({
      collection: "tasks",
      key: `t${i}`,
      value: {
        title: `Task number ${i}: water the plants and call the plumber`,
        done: i % 3 === 0,
        dueAt: 1767225600000 + i * 3600_000,
        imageUrl: `https://images.example.com/u/${i}.jpg`,
        tags: ["home", "errand"],
      },
    })),
  );
});

afterAll(async () => {
  await worker?.stop();
});

describe("GET /v1/screens/home over a real socket", () => {
  it.each([
    ["br", "br"],
    ["gzip", "gzip"],
    // curl --compressed and browsers list gzip first: answered in gzip, as the front line would pick.
    ["gzip, deflate, br", "gzip"],
    ["deflate, gzip", "gzip"],
    ["identity", undefined],
    ["", undefined],
  ])(
    "a client accepting %j gets %s bytes it decodes once into the screen",
    async (acceptEncoding, expected) => {
      const r = await raw("/v1/screens/home", { ...auth(), ...fast3x, "Accept-Encoding": acceptEncoding });
      expect(r.status).toBe(200);
      expect(r.headers["content-encoding"]).toBe(expected);
      // The tag names the coding the Worker itself chose: nothing re-encoded on the way out.
      expect(r.headers.etag).toMatch(
        expected === undefined ? /^"[0-9a-f]{32}"$/ : new RegExp(`-${expected}"$`),
      );
      const text = decodeOnce(r);
      const body = JSON.parse(text) as Home;
      expect(body.recent).toHaveLength(30);
      if (expected !== undefined) expect(r.body.byteLength).toBeLessThan(Buffer.byteLength(text) / 2);
      if (r.headers["content-length"] !== undefined) {
        expect(Number(r.headers["content-length"])).toBe(r.body.byteLength);
      }
    },
  );

  it("tailors each phone: page size, image width and quality, field set", async () => {
    const fast = JSON.parse(decodeOnce(await raw("/v1/screens/home", { ...auth(), ...fast3x }))) as Home;
    const slow = JSON.parse(decodeOnce(await raw("/v1/screens/home", { ...auth(), ...saveData2g }))) as Home;
    expect(fast.recent).toHaveLength(30);
    expect(slow.recent).toHaveLength(10);
    expect(fast.recent[0]?.imageUrl).toBe(
      `${worker.url}/cdn-cgi/image/width=1280,quality=85,format=auto/https://images.example.com/u/39.jpg`,
    );
    expect(slow.recent[0]?.imageUrl).toBe(
      `${worker.url}/cdn-cgi/image/width=1080,quality=60,format=auto/https://images.example.com/u/39.jpg`,
    );
    expect(fast.recent[0]?.tags).toEqual(["home", "errand"]);
    expect(slow.recent.some((r) => "tags" in r)).toBe(false);
  });

  it("leaves a tiny body for the front line to decide: plain to an identity client, one layer otherwise", async () => {
    // The Worker sends bodies under 1 KB plain (see the pool tests); Cloudflare's front line, and
    // miniflare imitating it, may still compress a plain JSON body for a client that accepts it.
    const plain = await raw("/healthz", { "Accept-Encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(plain.body.toString("utf8"))).toEqual({ ok: true });
    const br = await raw("/healthz", { "Accept-Encoding": "br, gzip" });
    expect(JSON.parse(decodeOnce(br))).toEqual({ ok: true });
  });

  it("answers 304 with no body to an unchanged repeat and 200 after a change", async () => {
    const headers = { ...auth(), ...fast3x, "Accept-Encoding": "br" };
    const first = await raw("/v1/screens/home", headers);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}-br"$/);
    const vary = String(first.headers.vary).toLowerCase();
    for (const name of ["accept-encoding", "save-data", "ect", "dpr", "viewport-width", "x-app-version"]) {
      expect(vary).toContain(name);
    }

    const repeat = await raw("/v1/screens/home", { ...headers, "If-None-Match": etag });
    expect(repeat.status).toBe(304);
    expect(repeat.body.byteLength).toBe(0);
    expect(repeat.headers.etag).toBe(etag);

    await push([{ collection: "tasks", key: "fresh", value: { title: "Fresh", done: false } }]);
    const changed = await raw("/v1/screens/home", { ...headers, "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((JSON.parse(decodeOnce(changed)) as Home).recent[0]?.title).toBe("Fresh");
  });
});
