/**
 * What a device profile decides, as pure functions: page size and image variant (how the response
 * is encoded is `http/encoding.ts`, which reads the same network tier). The numbers are explained
 * (and measured) in bench/README.md, "Screens and compression".
 */
import type { DeviceProfile } from "./profile";

/** How much the network is worth saving for: `slow` is Save-Data or 2G, `medium` 3G. */
type NetworkTier = "fast" | "medium" | "slow";

export type NetworkHints = Pick<DeviceProfile, "saveData" | "ect">;

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
const IMAGE_WIDTHS = [160, 320, 480, 640, 750, 828, 1080, 1280, 1440, 1920] as const;

/** A common phone's CSS width, used when the app sends no Viewport-Width. */
const DEFAULT_VIEWPORT_WIDTH = 390;

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
