/** Finding and launching Chromium for the browser tests and the bench. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  try {
    candidates.push(chromium.executablePath()); // Playwright's own browser, when one was installed
  } catch {
    // playwright-core without a downloaded browser: nothing to add
  }
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(
      "No Chromium found for the browser tests. Install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), " +
        "or `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium/Chrome binary.",
    );
  }
  return found;
}

/** Headless Chromium with WebGPU enabled and no background traffic (the machines here have no internet). */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox",
      "--headless=new",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--enable-unsafe-webgpu",
      "--enable-features=Vulkan",
    ],
  });
}
