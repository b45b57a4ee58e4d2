// Debian's headless Chromium driven by playwright-core, for the dashboard's tests and benchmark.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** Where the tests write their screenshots (not committed). */
export async function screenshotDir(): Promise<string> {
  const dir = process.env.MOOR_UI_SCREENSHOTS ?? join(tmpdir(), 'moor-ui-screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}
