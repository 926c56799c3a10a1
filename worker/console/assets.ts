import { APP_CSS } from "./static/app-css";
import { APP_JS } from "./static/app-js";

/**
 * The console's static files, served from our own origin and pinned by their SHA-256: each tag
 * carries `integrity`, and the path carries the hash's first characters, so a cached copy can be
 * kept a year and a new release is fetched at once. Hashes are computed once per isolate
 * (`prepareAssets`, before the first page renders): Web Crypto is asynchronous, JSX is not.
 */

interface Asset {
  body: string;
  type: string;
  path: string;
  integrity: string;
}

export const ASSETS: { js: Asset; css: Asset } = {
  js: { body: APP_JS, type: "text/javascript; charset=utf-8", path: "/console/app.js", integrity: "" },
  css: { body: APP_CSS, type: "text/css; charset=utf-8", path: "/console/app.css", integrity: "" },
};

async function sri(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

let prepared = false;

export async function prepareAssets(): Promise<void> {
  if (prepared) return;
  for (const [name, asset] of Object.entries(ASSETS)) {
    asset.integrity = await sri(asset.body);
    const version = asset.integrity.slice(7, 19).replace(/[+/]/g, "-");
    asset.path = `/console/app.${name}?v=${encodeURIComponent(version)}`;
  }
  prepared = true;
}
