import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, TestApp } from '../utils/create-app';
import { webConsoleDir } from '../../apps/api/src/web-console';

/**
 * What every browser spec sets up around its tests: the real api (createTestApp: migrations, seed) serving the
 * built console (dist/web), users signed in through the api, one Debian headless Chromium, and the page helpers
 * the specs share. Missing chromium or an unbuilt console fail loudly, never skip.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../test-artifacts/screenshots');

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** A small valid one-page PDF (so the browser's viewer can show the preview). */
export function makePdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  // Let drawer and modal animations settle so the picture shows the page, not a half-faded mask.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Chooses `option` in the Ant Design select labelled `label`. A click on an option while the dropdown is still
 * animating in can be lost on a loaded machine, leaving the form silently invalid; so the choice is checked on the
 * select itself and made again (three tries) when it did not take or the option could not be clicked.
 */
export async function pick(page: Page, label: string, option: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  const shown = () =>
    input.evaluate((el, text) => (el.closest('.ant-select')?.textContent ?? '').includes(text), option);
  for (let attempt = 1; ; attempt++) {
    await input.click();
    // The dropdown can also close under the pointer while it animates (a re-render of the page on a loaded
    // machine): then the click waits for an option that is gone. Close it and open it again instead.
    try {
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).first().click({ timeout: 6_000 });
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
      continue;
    }
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      if (await shown()) return;
      await page.waitForTimeout(100);
    }
    if (attempt === 3) throw new Error(`the select "${label}" did not take the option "${option}"`);
  }
}

export interface BrowserSuiteStart {
  /** Environment overrides for createTestApp. */
  env?: Record<string, string>;
  /** Users signed in through the api; their tokens back `as`, `post` and `get`. */
  users: string[];
  /**
   * Serve the console's assets from a copy taken before the app boots. The api reads index.html once at boot but
   * serves assets from dist/web live, so a rebuild while the spec runs (another spec or a developer) would replace
   * the hashed chunks the booted index.html names. The quality spec, which loads every page, asks for it.
   */
  pinConsoleAssets?: boolean;
}

/**
 * One spec's app, browser and helpers. Create it in the describe block, call `start` in beforeAll (it returns the
 * app) and `stop` in afterAll; the helpers are plain functions, so they can be destructured.
 */
export function browserSuite() {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  let pinnedAssets: string | undefined;
  const tokens: Record<string, string> = {};

  const booted = (): TestApp => {
    if (!app) throw new Error('the browser suite is not started: call start() in beforeAll');
    return app;
  };

  async function start({ env = {}, users, pinConsoleAssets = false }: BrowserSuiteStart): Promise<TestApp> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    const built = webConsoleDir();
    if (!built) throw new Error('the console is not built: run `npm run build:web` (npm run test:browser does)');
    mkdirSync(SHOTS, { recursive: true });
    if (pinConsoleAssets) {
      pinnedAssets = join(mkdtempSync(join(tmpdir(), 'xz-web-')), 'assets');
      cpSync(join(built, 'assets'), pinnedAssets, { recursive: true });
    }
    app = await createTestApp(env);
    if (pinnedAssets) {
      for (const name of (await app.http().get('/').set('Accept', 'text/html').expect(200)).text.match(/(?<=\/assets\/)[^"']+/g) ?? []) {
        if (!existsSync(join(pinnedAssets, name))) throw new Error(`dist/web changed while the app booted (${name}): run again`);
      }
    }
    for (const who of users) tokens[who] = await app.login(who);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // playwright gives each launch a fresh temporary profile (it refuses --user-data-dir here).
    });
    return app;
  }

  async function stop(): Promise<void> {
    await browser?.close();
    await app?.close();
  }

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const post = (who: string, path: string, body: object) => booted().http().post(`/api/v1/${path}`).set(as(who)).send(body);
  const get = (who: string, path: string) => booted().http().get(`/api/v1/${path}`).set(as(who));

  /** Polls a resource (as `who`) until the upload pipeline has moved it to `status`; a rejection fails at once. */
  async function waitForStatus(id: string, status: string, who = 'city.admin'): Promise<void> {
    let last = '';
    for (let i = 0; i < 300; i++) {
      last = (await get(who, `resources/${id}`).expect(200)).body.status;
      if (last === status) return;
      if (last === 'rejected') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`resource ${id} is ${last}, expected ${status}`);
  }

  /** The id of the first organization of `kind` that matches `q` (seeded names). */
  async function organizationId(q: string, kind: string): Promise<string> {
    return (await get('city.admin', 'organizations').query({ q, kind }).expect(200)).body.items[0].id as string;
  }

  /** A fresh context (own storage, zh-CN, Shanghai time) and page at `viewport`. */
  async function newPage(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    if (!browser) throw new Error('the browser suite is not started: call start() in beforeAll');
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    const assets = pinnedAssets;
    if (assets) {
      await context.route(`${booted().url}/assets/**`, (route) => {
        const file = join(assets, new URL(route.request().url()).pathname.replace(/^\/assets\//, ''));
        if (!existsSync(file)) return route.fulfill({ status: 404 });
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
        return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
      });
    }
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    return { context, page };
  }

  /** Signs in through the console's sign-in form and waits until the signed-in layout shows. */
  async function signIn(page: Page, username: string, password?: string): Promise<void> {
    const t = booted();
    await page.goto(`${t.url}/login`);
    await page.getByLabel('用户名或手机号').fill(username);
    await page.getByLabel('密码').fill(password ?? t.config.DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('current-user').waitFor();
  }

  return { start, stop, as, post, get, waitForStatus, organizationId, newPage, signIn };
}
