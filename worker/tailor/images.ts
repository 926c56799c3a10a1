/**
 * Image URLs sized for the device: Cloudflare image resizing
 * (`/cdn-cgi/image/width=…,quality=…,format=auto/<source>`), only for https sources on an
 * allow-listed host (`IMAGE_HOSTS`) — resizing an arbitrary URL would make us an open proxy.
 * Anything else is returned untouched.
 */
export interface ImageVariant {
  width: number;
  quality: number;
}

/** `IMAGE_HOSTS` ("a.example, b.example") → a set of lower-case host names. */
export function parseImageHosts(value: string | undefined): ReadonlySet<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
  );
}

/**
 * The resized URL for `source`, on `origin` (the API's own origin, where the zone serves
 * /cdn-cgi/image), or `source` itself when it may not be resized.
 */
export function resizedImageUrl(
  source: string,
  variant: ImageVariant,
  allowedHosts: ReadonlySet<string>,
  origin: string,
): string {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return source;
  }
  // A port or credentials make it a different origin than the one allow-listed.
  if (url.protocol !== "https:" || url.port !== "" || url.username !== "" || url.password !== "")
    return source;
  if (!allowedHosts.has(url.hostname.toLowerCase())) return source;
  return `${origin}/cdn-cgi/image/width=${variant.width},quality=${variant.quality},format=auto/${url.href}`;
}
