import { describe, expect, it } from "vitest";
import { ApiError } from "../../worker/errors";
import { getCollection } from "../../worker/sync/collections";
import { parseImageHosts, resizedImageUrl } from "../../worker/tailor/images";
import {
  applySelection,
  type FieldShape,
  parseFieldSelection,
  projectValue,
} from "../../worker/tailor/project";

const hosts = parseImageHosts(" images.example.com, CDN.example.org ,,");
const variant = { width: 750, quality: 85 };
const origin = "https://api.example.com";

describe("parseImageHosts", () => {
  it("reads a comma-separated list, trimmed and lower-cased, ignoring empties", () => {
    expect([...hosts]).toEqual(["images.example.com", "cdn.example.org"]);
    expect(parseImageHosts(undefined).size).toBe(0);
    expect(parseImageHosts("").size).toBe(0);
  });
});

describe("resizedImageUrl", () => {
  const resized = (src: string) => `${origin}/cdn-cgi/image/width=750,quality=85,format=auto/${src}`;
  const rows: [string, string, string][] = [
    [
      "an allow-listed https image",
      "https://images.example.com/a/b.jpg?v=2",
      resized("https://images.example.com/a/b.jpg?v=2"),
    ],
    [
      "a host in another case",
      "https://IMAGES.example.com/a.jpg",
      resized("https://images.example.com/a.jpg"),
    ],
    ["the second allowed host", "https://cdn.example.org/x.png", resized("https://cdn.example.org/x.png")],
    ["plain http", "http://images.example.com/a.jpg", "http://images.example.com/a.jpg"],
    ["a host not on the list", "https://evil.example.net/a.jpg", "https://evil.example.net/a.jpg"],
    [
      "a look-alike suffix",
      "https://images.example.com.evil.net/a.jpg",
      "https://images.example.com.evil.net/a.jpg",
    ],
    [
      "a sub-domain of an allowed host",
      "https://x.images.example.com/a.jpg",
      "https://x.images.example.com/a.jpg",
    ],
    ["an explicit port", "https://images.example.com:8443/a.jpg", "https://images.example.com:8443/a.jpg"],
    ["credentials", "https://u:p@images.example.com/a.jpg", "https://u:p@images.example.com/a.jpg"],
    ["not a URL", "cat.jpg", "cat.jpg"],
    ["a data URL", "data:image/png;base64,AAAA", "data:image/png;base64,AAAA"],
  ];
  it.each(rows)("%s", (_name, source, expected) => {
    expect(resizedImageUrl(source, variant, hosts, origin)).toBe(expected);
  });
});

describe("projectValue", () => {
  const tasks = getCollection("tasks");
  if (!tasks) throw new Error("tasks collection missing");
  const value = {
    title: "t",
    done: false,
    dueAt: 5,
    imageUrl: "https://images.example.com/a.jpg",
    tags: ["x"],
    stray: "never declared",
  };
  const images = { variant, hosts, origin };
  const rows: [string, string | undefined, string[]][] = [
    ["3.0.0 does not know tags", "3.0.0", ["title", "done", "dueAt", "imageUrl"]],
    ["3.1.0 knows tags", "3.1.0", ["title", "done", "dueAt", "imageUrl", "tags"]],
    ["a pre-release of 3.1.0 does not", "3.1.0-beta.1", ["title", "done", "dueAt", "imageUrl"]],
    ["no app version sees every field", undefined, ["title", "done", "dueAt", "imageUrl", "tags"]],
  ];
  it.each(rows)("%s", (_name, appVersion, keys) => {
    const out = projectValue(tasks, value, appVersion, images);
    expect(Object.keys(out)).toEqual(keys);
    expect(out.imageUrl).toBe(`${origin}/cdn-cgi/image/width=750,quality=85,format=auto/${value.imageUrl}`);
  });

  it("omits fields the record does not have rather than inventing them", () => {
    expect(projectValue(tasks, { title: "t", done: true }, "3.2.0", images)).toEqual({
      title: "t",
      done: true,
    });
  });
});

const shape: FieldShape = {
  user: { keys: ["id", "email"] },
  recent: { keys: ["key", "version", "title", "done"], identity: ["key", "version"] },
  unreadCount: true,
};

describe("parseFieldSelection and applySelection", () => {
  const body = {
    user: { id: "u", email: "e" },
    recent: [
      { key: "a", version: 2, title: "A", done: false },
      { key: "b", version: 1, title: "B", done: true },
    ],
    unreadCount: 3,
  };
  const rows: [string, Record<string, unknown>][] = [
    ["user", { user: body.user }],
    [
      "recent.title",
      {
        recent: [
          { key: "a", version: 2, title: "A" },
          { key: "b", version: 1, title: "B" },
        ],
      },
    ],
    ["recent.title,recent", { recent: body.recent }],
    ["recent,recent.title", { recent: body.recent }],
    ["unreadCount, user.email", { user: { email: "e" }, unreadCount: 3 }],
    ["user,,unreadCount,", { user: body.user, unreadCount: 3 }],
  ];
  it.each(rows)("%j picks as asked", (param, expected) => {
    expect(applySelection(body, parseFieldSelection(param, shape))).toEqual(expected);
  });

  it.each([
    "",
    " , ",
    "nope",
    "user.nope",
    "user.id.x",
    "unreadCount.x",
    "recent.",
    "toString",
    "__proto__",
    "x".repeat(3000),
  ])("refuses %j with invalid_query", (param) => {
    let caught: unknown;
    try {
      parseFieldSelection(param, shape);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).code).toBe("invalid_query");
  });
});
