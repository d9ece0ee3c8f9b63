/**
 * Headless Chromium for the tests that drive a page (Debian's `chromium`, driven by
 * playwright-core; `.ci/run` installs the package when the machine lacks it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!executablePath) throw new Error('no Chromium found: install it (`apt-get install chromium`, as .ci/run does) or set CHROMIUM_PATH');
  // As root (CI containers) Chromium's sandbox cannot start; the pages driven are the local stack's own.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}
