import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { brotliDecompressSync, createBrotliDecompress } from "node:zlib";
import { chromium, type Browser } from "playwright-core";

/**
 * Where a page test's browser comes from, first match wins:
 * 1. `OUTPOST_CHROMIUM`: the path of a Chrome/Chromium executable, or `npm` to force the build below;
 * 2. a system Chrome or Chromium (Google Chrome on macOS, Debian's `chromium`, ...);
 * 3. the Chromium inside the `@sparticuz/chromium` npm package (Linux x64), so `npm ci` alone is
 *    enough: no apt-get, no browser download, no install script.
 */
const SYSTEM_BROWSERS: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
  ],
  // Not chromium-browser: on Ubuntu it is a stub that asks for the snap.
  linux: ["/usr/bin/chromium", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"],
  win32: ["C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"],
};

const ROOT = resolve(import.meta.dirname, "../..");

interface FoundBrowser {
  executablePath: string;
  /** Environment for the browser process (the npm build brings its own libraries and fonts). */
  env?: Record<string, string>;
}

/**
 * Unpacks the npm package's Chromium once per install into node_modules/.cache (which `npm ci`
 * wipes, so a version bump never meets a stale copy). The package's own `executablePath()` is not
 * used: it unpacks into a shared /tmp/chromium whatever its version, and a run killed midway leaves
 * a truncated binary there that every later run trusts.
 */
async function unpackNpmChromium(): Promise<FoundBrowser> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      "No Chrome or Chromium found, and the npm build covers Linux x64 only: install Google Chrome " +
        "or set OUTPOST_CHROMIUM to a Chromium executable.",
    );
  }
  // The package exports only its JavaScript entry; its compressed builds sit in bin/ beside build/.
  const entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const pkgDir = resolve(dirname(entry), "../..");
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string };
  const dir = join(ROOT, "node_modules", ".cache", "outpost-chromium", version);
  const found: FoundBrowser = {
    executablePath: join(dir, "chromium"),
    env: {
      // Built for Amazon Linux: it ships its NSS and expat, so no system package is needed.
      LD_LIBRARY_PATH: [join(dir, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_FILE: join(dir, "fonts.conf"),
    },
  };
  if (existsSync(dir)) return found;

  // Unpack beside the final directory and rename it into place: test processes starting at once
  // (and a run killed midway) never see half a browser.
  const scratch = `${dir}.${process.pid}-${randomBytes(4).toString("hex")}`;
  mkdirSync(scratch, { recursive: true });
  try {
    const bin = join(pkgDir, "bin");
    await pipeline(
      createReadStream(join(bin, "chromium.br")),
      createBrotliDecompress(),
      createWriteStream(join(scratch, "chromium"), { mode: 0o755 }),
    );
    untarBrotli(join(bin, "al2023.tar.br"), scratch); // lib/
    untarBrotli(join(bin, "fonts.tar.br"), scratch); // fonts/ (Open Sans)
    // The system's fonts when it has any, the bundled ones always: text renders on a bare machine.
    writeFileSync(
      join(scratch, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
        `  <dir>${join(dir, "fonts")}</dir>\n  <cachedir>${join(dir, "fonts-cache")}</cachedir>\n</fontconfig>\n`,
    );
    renameSync(scratch, dir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    // Another process renamed its copy into place first: use that one.
    if (existsSync(join(dir, "chromium"))) return found;
    throw error;
  }
  return found;
}

/** Brotli through Node, the (small) archive through `tar`, an essential package on every Debian. */
function untarBrotli(archive: string, into: string): void {
  const tar = spawnSync("tar", ["-x", "--no-same-owner", "-C", into], {
    input: brotliDecompressSync(readFileSync(archive)),
  });
  if (tar.status !== 0) throw new Error(`tar failed on ${archive}: ${tar.error ?? tar.stderr.toString()}`);
}

async function findBrowser(): Promise<FoundBrowser> {
  const chosen = process.env.OUTPOST_CHROMIUM;
  if (chosen === "npm") return unpackNpmChromium();
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`OUTPOST_CHROMIUM=${chosen} does not exist`);
    return { executablePath: chosen };
  }
  const system = (SYSTEM_BROWSERS[process.platform] ?? []).find((path) => existsSync(path));
  return system ? { executablePath: system } : unpackNpmChromium();
}

/**
 * Launches headless Chromium for a page test (see the order above). Every page test starts its
 * browser here; close it in `afterAll`.
 */
export async function launchBrowser(): Promise<Browser> {
  const { executablePath, env } = await findBrowser();
  return chromium.launch({
    executablePath,
    env: env && { ...process.env, ...env },
    // Playwright already disables the sandbox, first-run, sync and background networking.
    args: ["--disable-gpu", "--disable-quic"],
  });
}
