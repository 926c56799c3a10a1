import { type AcceptedCodings, acceptedCodings } from "../http/encoding";
import { parseAppVersion } from "../lib/semver";

/**
 * The device profile: what the app's headers say about the phone, parsed once per request.
 * Bad header values are ignored (treated as absent), never an error: a profile only tailors.
 */
export type Platform = "ios" | "android";
export type EffectiveConnectionType = "slow-2g" | "2g" | "3g" | "4g";

export interface DeviceProfile {
  deviceId?: string;
  platform?: Platform;
  /** Normalised `major.minor.patch[-prerelease]` (`parseAppVersion`), if the header was valid semver. */
  appVersion?: string;
  /** Locales in preference order from Accept-Language (q-sorted), e.g. ["de-CH", "de"]. */
  locales: string[];
  saveData: boolean;
  ect?: EffectiveConnectionType;
  /** Device pixel ratio, clamped to 1..4. */
  dpr: number;
  /** Viewport width in CSS pixels, if sent (clamped to 100..3000). */
  viewportWidth?: number;
  /** The codings we may answer in, most preferred first (`http/encoding.ts`, `acceptedCodings`). */
  acceptEncoding: AcceptedCodings;
}

const UUIDISH = /^[A-Za-z0-9-]{8,64}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const ECTS = new Set<EffectiveConnectionType>(["slow-2g", "2g", "3g", "4g"]);

/** Accept-Language → locales by descending q, ties in header order; `*` and junk dropped. */
export function parseAcceptLanguage(header: string | undefined | null): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number; i: number }[] = [];
  header.split(",").forEach((part, i) => {
    const [tagRaw, ...params] = part.trim().split(";");
    const tag = tagRaw?.trim() ?? "";
    if (!LOCALE.test(tag)) return;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k === "q") q = Number(v);
    }
    if (!(q > 0 && q <= 1)) return;
    entries.push({ tag, q, i });
  });
  entries.sort((a, b) => b.q - a.q || a.i - b.i);
  return entries.slice(0, 10).map((e) => e.tag);
}

function clampNumber(value: string | undefined | null, min: number, max: number): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.min(max, Math.max(min, n));
}

/**
 * The profile from a request's headers. `acceptEncoding` is the phone's own Accept-Encoding
 * (`clientAcceptEncoding`: at the edge the header itself has been rewritten); parsed here, once,
 * so the compression middleware reads it from the profile.
 */
export function parseDeviceProfile(
  headers: Headers,
  acceptEncoding: string | null = headers.get("Accept-Encoding"),
): DeviceProfile {
  const deviceId = headers.get("X-Device-Id")?.trim();
  const platform = headers.get("X-Platform")?.trim().toLowerCase();
  const ect = headers.get("ECT")?.trim().toLowerCase() as EffectiveConnectionType | undefined;
  const width = clampNumber(headers.get("Viewport-Width"), 100, 3000);
  return {
    deviceId: deviceId && UUIDISH.test(deviceId) ? deviceId : undefined,
    platform: platform === "ios" || platform === "android" ? platform : undefined,
    appVersion: parseAppVersion(headers.get("X-App-Version")),
    locales: parseAcceptLanguage(headers.get("Accept-Language")),
    saveData: headers.get("Save-Data")?.trim().toLowerCase() === "on",
    ect: ect && ECTS.has(ect) ? ect : undefined,
    dpr: clampNumber(headers.get("DPR"), 1, 4) ?? 1,
    viewportWidth: width === undefined ? undefined : Math.round(width),
    acceptEncoding: acceptedCodings(acceptEncoding),
  };
}
