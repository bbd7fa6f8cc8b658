/**
 * The setup every web-mode journey repeats: the app's web server, Debian's Chromium, the page object, a
 * screenshot of the failing state after a failed test, and everything stopped after the file. A journey
 * that starts from the sandbox's demo template dumped into the snapshot editor calls openDumpedTemplate; one
 * that works on a cluster of its own saves a connection to it with saveClusterConnection.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Cluster } from '../../../support/cluster.js';
import { AppPage } from '../pages/app-page.js';
import { launchBrowser, type Browser } from './browser.js';
import { startWebApp, type WebApp } from '../../../support/web-app.js';

export interface Journey {
  readonly app: WebApp;
  readonly browser: Browser;
  readonly ui: AppPage;
}

export interface JourneyOptions {
  /** Screenshots of failed tests are named `<name>-failed-<test>`; none are taken without a name. */
  screenshotName?: string;
  /** The browser window's size, set before the first page is opened. */
  viewport?: { width: number; height: number };
  /** Extra environment for the app's process (HOME, say); a function is called when the app starts. */
  env?: Record<string, string> | (() => Record<string, string>);
}

/** Registers the journey's hooks; its fields are usable from the file's own hooks and tests on. */
export function useWebJourney(options: JourneyOptions = {}): Journey {
  let started: Journey | undefined;
  beforeAll(async () => {
    const app = await startWebApp(typeof options.env === 'function' ? options.env() : options.env);
    const browser = await launchBrowser();
    if (options.viewport) await browser.page.setViewportSize(options.viewport);
    started = { app, browser, ui: new AppPage(browser.page) };
  });
  afterEach(async (ctx) => {
    if (options.screenshotName && ctx.task.result?.state === 'fail') await started?.browser.screenshot(`${options.screenshotName}-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await started?.browser.close();
    await started?.app.stop();
  });
  const get = (): Journey => {
    if (!started) throw new Error('the journey is used before beforeAll started it');
    return started;
  };
  return {
    get app() {
      return get().app;
    },
    get browser() {
      return get().browser;
    },
    get ui() {
      return get().ui;
    },
  };
}

/** Opens the app, starts the sandbox, dumps its demo template and waits until the snapshot editor counted the references. */
export async function openDumpedTemplate(journey: Journey): Promise<void> {
  const { ui } = journey;
  await ui.open(journey.app.url);
  await ui.connections.startSandbox();
  await ui.goTo('Schemas');
  await ui.schemas.waitForSchema('tenant_template');
  await ui.schemas.chooseTemplate('tenant_template');
  await expect((await ui.schemas.dump()).textContent()).resolves.toMatch(/Dumped tenant_template/);
  await ui.goTo('Snapshot editor');
  await ui.snapshot.referenceCount();
}

/** openDumpedTemplate, then every reference replaced and the snapshot saved under name. */
export async function saveDemoSnapshot(journey: Journey, name: string): Promise<void> {
  await openDumpedTemplate(journey);
  await journey.ui.snapshot.replaceAll();
  await journey.ui.snapshot.save(name);
}

/** Adds and saves a connection to the test's own cluster (as postgres, by URL) from the open Connections view. */
export async function saveClusterConnection(ui: AppPage, cluster: Cluster, database = 'postgres'): Promise<void> {
  await ui.connections.addConnection();
  await ui.connections.pasteUrl(`postgresql://postgres:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/${database}?sslmode=disable`);
  await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(cluster.port));
  await ui.connections.save();
}
