/**
 * What a device profile decides, as pure functions: page size, image variant, and how the
 * response is encoded. The numbers are explained (and measured) in bench/README.md,
 * "Screens and compression".
 */
import type { DeviceProfile } from "./profile";

/** How much the network is worth saving for: `slow` is Save-Data or 2G, `medium` 3G. */
export type NetworkTier = "fast" | "medium" | "slow";

type NetworkHints = Pick<DeviceProfile, "saveData" | "ect">;

export function networkTier(profile: NetworkHints): NetworkTier {
  if (profile.saveData || profile.ect === "slow-2g" || profile.ect === "2g") return "slow";
  if (profile.ect === "3g") return "medium";
  return "fast";
}

const PAGE_SIZES: Record<NetworkTier, number> = { fast: 30, medium: 15, slow: 10 };

/** How many recent records a screen lists: a phone on a slow or metered network gets fewer. */
export function pageSize(profile: NetworkHints): number {
  return PAGE_SIZES[networkTier(profile)];
}

/** Widths we resize to: a fixed ladder, so the image cache holds a few variants, not one per phone. */
export const IMAGE_WIDTHS = [160, 320, 480, 640, 750, 828, 1080, 1280, 1440, 1920] as const;

/** A common phone's CSS width, used when the app sends no Viewport-Width. */
export const DEFAULT_VIEWPORT_WIDTH = 390;

/**
 * The image width for this device: DPR × Viewport-Width, rounded up to the next rung of the
 * ladder (capped at the top). On a slow network one rung lower: a slightly soft image beats a
 * slow one.
 */
export function imageWidth(profile: NetworkHints & Pick<DeviceProfile, "dpr" | "viewportWidth">): number {
  const needed = Math.round((profile.viewportWidth ?? DEFAULT_VIEWPORT_WIDTH) * profile.dpr);
  let rung = IMAGE_WIDTHS.findIndex((w) => w >= needed);
  if (rung === -1) rung = IMAGE_WIDTHS.length - 1;
  if (networkTier(profile) === "slow") rung = Math.max(0, rung - 1);
  return IMAGE_WIDTHS[rung] ?? DEFAULT_VIEWPORT_WIDTH;
}

const IMAGE_QUALITY: Record<NetworkTier, number> = { fast: 85, medium: 75, slow: 60 };

/** Image quality for the resizer (1..100): lower where bytes cost more. */
export function imageQuality(profile: NetworkHints): number {
  return IMAGE_QUALITY[networkTier(profile)];
}

export type ContentCoding = "br" | "gzip" | "identity";

export interface EncodingChoice {
  coding: ContentCoding;
  /** Brotli quality (0..11) or gzip level (1..9); 0 for identity. */
  level: number;
}

/** Bodies smaller than this go out plain: they fit in one packet either way. */
export const MIN_COMPRESS_BYTES = 1024;
/** Up to this size a slow phone gets brotli's best quality (a few ms of CPU, ~9% fewer bytes). */
export const MAX_BEST_BROTLI_BYTES = 8 * 1024;
/** The knee of brotli's curve on home-screen JSON: q5 ≈ q9 in size at a fraction of the CPU. */
export const BROTLI_QUALITY = 5;
export const BROTLI_BEST_QUALITY = 11;
/** gzip's default: level 9 saves under 1% more, level 4 loses 2–6%. */
export const GZIP_LEVEL = 6;

/** The codings we produce, in the client's order of preference; those it refuses are absent. */
export type AcceptedCodings = ("br" | "gzip")[];

/**
 * Accept-Encoding → the codings we may send, most preferred first: by q, then in the order the
 * client listed them (which is how Cloudflare's front line, and miniflare imitating it, pick; an
 * answer in another accepted coding gets decoded and re-encoded there). `q=0` refuses a coding,
 * also one `*` would allow; `*` stands for the codings not named, at its own place; `x-gzip` is
 * gzip (RFC 9110 §8.4.1.3). An absent or empty header gets identity: a client that sent nothing
 * may decode nothing.
 */
export function acceptedCodings(header: string | null | undefined): AcceptedCodings {
  const entries: { name: string; q: number }[] = [];
  for (const part of (header ?? "").split(",")) {
    const [rawName, ...params] = part.trim().toLowerCase().split(";");
    const trimmed = rawName?.trim() ?? "";
    const name = trimmed === "x-gzip" ? "gzip" : trimmed;
    if (!name || entries.some((e) => e.name === name)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    entries.push({ name, q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0 });
  }
  const named = new Set(entries.map((e) => e.name));
  const candidates: { coding: "br" | "gzip"; q: number; at: number }[] = [];
  entries.forEach((e, at) => {
    if (e.name === "br" || e.name === "gzip") candidates.push({ coding: e.name, q: e.q, at });
    if (e.name === "*") {
      for (const coding of ["br", "gzip"] as const)
        if (!named.has(coding)) candidates.push({ coding, q: e.q, at });
    }
  });
  return candidates
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q || a.at - b.at)
    .map((c) => c.coding);
}

/**
 * The content-coding and level for a body of `bytes` bytes sent to this device: nothing under
 * ~1 KB; else the client's preferred coding — brotli at its knee, or at its best for a small
 * body to a slow phone (worth more CPU per byte saved), gzip at its default; else identity.
 */
export function chooseEncoding(
  profile: NetworkHints,
  accepted: AcceptedCodings,
  bytes: number,
): EncodingChoice {
  const coding = accepted[0];
  if (bytes < MIN_COMPRESS_BYTES || coding === undefined) return { coding: "identity", level: 0 };
  if (coding === "gzip") return { coding: "gzip", level: GZIP_LEVEL };
  const best = networkTier(profile) === "slow" && bytes <= MAX_BEST_BROTLI_BYTES;
  return { coding: "br", level: best ? BROTLI_BEST_QUALITY : BROTLI_QUALITY };
}

/** The request headers a tailored response depends on, for `Vary`. */
export const TAILORING_HEADERS = [
  "Save-Data",
  "ECT",
  "DPR",
  "Viewport-Width",
  "X-App-Version",
  "X-Platform",
  "Accept-Language",
] as const;
