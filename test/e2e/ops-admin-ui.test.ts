/**
 * The admin web UI in a real browser: headless Chromium (Debian's, through playwright-core; no
 * browser download) against a real `mcp-host` process. Signs in with the admin token, sees the
 * plugins and the catalog, bumps a plugin's version on disk (a copy in a temp folder, the watcher
 * off so the click is what reloads it), clicks Reload, and sees the new version and the reload
 * event in the live feed, and the call it made counted per plugin version in the stats. Keeps a
 * screenshot in test/artifacts/admin-ui.png.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, fixturePath, sha256Hex, startTestHost, writeConfig, type TestHost } from '../harness/index.js';
import { HOST_VERSION } from '@mcp-host/core';

/** The six context:// resources and templates the host serves itself, as the catalog names their owner. */
const HOST_ITEMS = `mcp-host/context@${HOST_VERSION}`;

const TOKEN = 'admin-ui-e2e-token-8c3e51f0';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

let root: string;
let pluginDir: string;
let host: TestHost;
let config: ReturnType<typeof writeConfig>;
let browser: Browser;
let page: Page;
/** Every URL the page asked for: all of them must be the admin listener's. */
const requested: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-host-admin-ui-'));
  pluginDir = join(root, 'plugins', 'good-fixture');
  mkdirSync(join(root, 'plugins'));
  cpSync(fixturePath('good-fixture'), pluginDir, { recursive: true });
  config = writeConfig({ admin: { port: 0, tokenSha256: [sha256Hex(TOKEN)] }, plugins: { watch: false } });
  host = await startTestHost({ plugins: [join(root, 'plugins')], args: ['--config', config.file, '--admin-port', '0'] });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('request', (r) => void requested.push(r.url()));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  config?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('admin UI in headless Chromium', () => {
  it('asks for the token and refuses a wrong one', async () => {
    await page.goto(`${host.adminUrl}/admin/`);
    await page.getByTestId('token-input').fill('wrong-token');
    await page.getByTestId('token-submit').click();
    await expect.poll(() => page.getByTestId('token-error').textContent(), { timeout: 10_000 }).toContain('401');
  });

  it('shows the plugins and the catalog with plugin@version', async () => {
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-submit').click();
    const version = page.getByTestId('plugin-version-good-fixture');
    await version.waitFor({ timeout: 10_000 });
    await expect.poll(() => version.textContent()).toBe('1.0.0');
    await expect.poll(() => page.getByTestId('plugin-state-good-fixture').textContent()).toBe('serving');
    // The host's own items (shared context as context:// resources) are in the catalog too, under mcp-host/context.
    await expect.poll(async () => (await page.getByTestId('catalog-item-plugin').allTextContents()).sort()).toEqual(['good-fixture@1.0.0', 'good-fixture@1.0.0', ...Array(6).fill(HOST_ITEMS)]);
    // The token lives in this tab's sessionStorage only.
    // A string, so it runs in the page without the tests' TypeScript knowing the DOM.
    expect(await page.evaluate('[sessionStorage.length, localStorage.length, document.cookie]')).toEqual([1, 0, '']);
  });

  it('reloads a plugin bumped on disk: the new version and the reload event appear', async () => {
    // Some traffic first, so the feed and stats have something to show beside the reload.
    const { client } = await connectHttpClient(host.url);
    await client.callTool({ name: 'fixture_echo', arguments: { text: 'hello' } });
    await client.close();

    const manifest = join(pluginDir, 'package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"version": "1.0.0"', '"version": "1.1.0"'));
    await page.getByTestId('reload-good-fixture').click();

    await expect.poll(() => page.getByTestId('plugin-version-good-fixture').textContent(), { timeout: 10_000 }).toBe('1.1.0');
    await expect.poll(() => page.getByTestId('action-message').textContent()).toContain('reloaded good-fixture');
    const reloadEvent = page.locator('[data-testid="feed-event"][data-type="reload"]', { hasText: 'good-fixture@1.1.0 replaced' });
    await reloadEvent.first().waitFor({ timeout: 10_000 });
    const adminEvent = page.locator('[data-testid="feed-event"][data-type="admin"]', { hasText: 'reload good-fixture' });
    await adminEvent.first().waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await page.getByTestId('catalog-item-plugin').allTextContents()).sort(), { timeout: 10_000 }).toEqual(['good-fixture@1.1.0', 'good-fixture@1.1.0', ...Array(6).fill(HOST_ITEMS)]);
    expect(await page.getByTestId('feed-status').textContent()).toBe('live');
    // The call made above, counted by the host's Prometheus histogram and shown per plugin version
    // (the stats panel polls every 5 s).
    const cells = page.getByTestId('stats-good-fixture').first().locator('td');
    await expect.poll(async () => [await cells.nth(0).textContent(), await cells.nth(1).textContent()], { timeout: 15_000 }).toEqual(['good-fixture@1.0.0', '1']);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-ui.png'), fullPage: true });
  });

  it('fetched nothing from anywhere but the admin listener', () => {
    expect(requested.length).toBeGreaterThan(3);
    for (const url of requested) expect(url.startsWith(`${host.adminUrl}/admin/`), url).toBe(true);
  });
});
