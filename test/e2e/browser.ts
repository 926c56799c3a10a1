import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Headless Chromium for page tests. Stand-in on the SDK branch until the browser helper's version
 * (Chromium from npm) lands; the export keeps its name and signature so the demo test works with
 * either. Looks for, in order: `OUTPOST_CHROMIUM`, Debian's `/usr/bin/chromium`, and the binary
 * `@sparticuz/chromium` unpacks when that package is installed.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await findChromium();
  return chromium.launch({
    executablePath,
    // Root in a container: no user namespaces for the sandbox, and /dev/shm may be small.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

async function findChromium(): Promise<string> {
  const fromEnv = process.env.OUTPOST_CHROMIUM;
  if (fromEnv) return fromEnv;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  // Not a dependency of this branch: imported by a computed name so type-checking does not need it.
  const name = "@sparticuz/chromium";
  try {
    const mod = (await import(name)) as { default: { executablePath(): Promise<string> } };
    return await mod.default.executablePath();
  } catch {
    throw new Error(
      "No Chromium found: set OUTPOST_CHROMIUM, apt-get install -y chromium, or npm i -D @sparticuz/chromium",
    );
  }
}
