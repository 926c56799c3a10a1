/**
 * Content-coding negotiation and the encoder: which codings the phone accepts, which one (and
 * which level) a body gets, and the bytes. The numbers are explained (and measured) in
 * bench/README.md, "Screens and compression".
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { type NetworkHints, networkTier } from "../tailor/decisions";

export type ContentCoding = "br" | "gzip" | "identity";

interface EncodingChoice {
  coding: ContentCoding;
  /** Brotli quality (0..11) or gzip level (1..9); 0 for identity. */
  level: number;
}

/** Bodies smaller than this go out plain: they fit in one packet either way. */
const MIN_COMPRESS_BYTES = 1024;
/** Up to this size a slow phone gets brotli's best quality (a few ms of CPU, ~9% fewer bytes). */
const MAX_BEST_BROTLI_BYTES = 8 * 1024;
/** The knee of brotli's curve on home-screen JSON: q5 ≈ q9 in size at a fraction of the CPU. */
const BROTLI_QUALITY = 5;
const BROTLI_BEST_QUALITY = 11;
/** gzip's default: level 9 saves under 1% more, level 4 loses 2–6%. */
const GZIP_LEVEL = 6;

/** The codings we produce, in the client's order of preference; those it refuses are absent. */
export type AcceptedCodings = ("br" | "gzip")[];

/**
 * What the phone itself accepts. Cloudflare's front line rewrites every request's Accept-Encoding
 * to `br, gzip` before the Worker sees it and keeps the client's own header in
 * `cf.clientAcceptEncoding` (miniflare does the same locally), so that is the one to honour:
 * answering a gzip-only phone in gzip spares the edge a decode and re-encode.
 */
export function clientAcceptEncoding(request: Request): string | null {
  const cf = request.cf as { clientAcceptEncoding?: unknown } | undefined;
  if (typeof cf?.clientAcceptEncoding === "string") return cf.clientAcceptEncoding;
  return request.headers.get("Accept-Encoding");
}

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

/**
 * Encodes a body once, with node:zlib (nodejs_compat): CompressionStream has no brotli in
 * workerd, and zstd is unreliable there at low levels, so neither is used.
 */
export function encodeBody(bytes: Uint8Array, choice: EncodingChoice): Uint8Array {
  switch (choice.coding) {
    case "br":
      return brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: choice.level,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      });
    case "gzip":
      return gzipSync(bytes, { level: choice.level });
    case "identity":
      return bytes;
  }
}
