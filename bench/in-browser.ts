/**
 * The pieces of a bench that drives the real app in Chromium: `tenantry ui`
 * from dist/ (built with `npm run build`), a saved connection, and a phase of
 * work measured by a PerformanceObserver('longtask') and a Chromium trace
 * (the trace's thread CPU time does not stretch with the machine's load, the
 * wall time does). Used by the tenants-view and editor-large-dump sections.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Cluster } from '../support/cluster.js';
import { repoRoot } from '../support/repo-root.js';
import { isBuilt, startWebApp } from '../support/web-app.js';
import { formatMs, markdownTable } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';

/** The sources the built app (dist/) is made from; `npm run bench` compiles the bench, not these. */
const APP_SOURCES = ['renderer', 'electron', 'core'];

/** The newest modification time of a file below `dir` (0 when there is none). */
function newestFileBelow(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Why a browser section cannot run here (no Chromium, app not built or built before its sources last changed), or undefined when it can. */
export function whyNoBrowserBench(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  if (!isBuilt()) return 'the app is not built (npm run build)';
  const root = repoRoot();
  const built = statSync(join(root, 'dist', 'renderer', 'index.html')).mtimeMs;
  const changed = APP_SOURCES.find((dir) => newestFileBelow(join(root, dir)) > built);
  if (changed) return `the app in dist/ was built before the last change in ${changed}/, so this would measure old code: run npm run build, then this section again`;
  return undefined;
}

/** Runs work on a 1440×900 page of `tenantry ui` in headless Chromium; closes both afterwards. */
export async function withAppInChromium<T>(work: (browser: Browser, page: Page) => Promise<T>): Promise<T> {
  const ui = await startWebApp();
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(ui.url);
      return await work(browser, page);
    } finally {
      await browser.close();
    }
  } finally {
    await ui.stop();
  }
}

export interface PhaseResult {
  phase: string;
  /** Wall time of the phase. */
  ms: number;
  longTasks: number;
  longestMs: number;
  /** From a Chromium trace of the phase: the longest main-thread task (RunTask), wall and thread CPU time. */
  traceLongestMs: number;
  traceLongestCpuMs: number;
}

/** Starts recording long tasks afresh; `readLongTasks` returns those since. */
// In-page code as strings: bench/ compiles without the DOM library.
const RESET_LONG_TASKS = `(() => {
  window.benchLongTasks = [];
  if (!window.benchObserver) {
    window.benchObserver = true;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.benchLongTasks.push(e.duration))).observe({ type: 'longtask' });
  }
})()`;
// A task that ends now is reported after it: give the observer a moment to deliver it.
const READ_LONG_TASKS = `new Promise((r) => setTimeout(() => r(window.benchLongTasks.slice()), 100))`;
/** In-page: resolves at the next frame. */
export const NEXT_FRAME = `new Promise((r) => requestAnimationFrame(() => r(0)))`;

/** Starts recording long tasks afresh. */
async function resetLongTasks(page: Page): Promise<void> {
  await page.evaluate(RESET_LONG_TASKS);
}

/** The long tasks' durations since the last reset. */
async function readLongTasks(page: Page): Promise<number[]> {
  return (await page.evaluate(READ_LONG_TASKS)) as number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The longest RunTask of the renderer's main thread in a Chromium trace: wall and thread time (ms). */
export function longestMainThreadTask(trace: { traceEvents: TraceEvent[] }): { wallMs: number; cpuMs: number } {
  const main = new Set(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  let wall = 0;
  let cpu = 0;
  for (const e of trace.traceEvents) {
    if ((e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') || e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`)) continue;
    wall = Math.max(wall, e.dur ?? 0);
    cpu = Math.max(cpu, e.tdur ?? 0);
  }
  return { wallMs: wall / 1000, cpuMs: cpu / 1000 };
}

/** Runs one phase of work with long tasks observed and a Chromium trace taken. */
export async function measure(browser: Browser, page: Page, phase: string, work: () => Promise<void>): Promise<PhaseResult> {
  await resetLongTasks(page);
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', '__metadata'] });
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const tasks = await readLongTasks(page);
  const trace = longestMainThreadTask(JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] });
  return { phase, ms, longTasks: tasks.length, longestMs: Math.max(0, ...tasks), traceLongestMs: trace.wallMs, traceLongestCpuMs: trace.cpuMs };
}

/** From the Connections view: adds and saves a connection to the cluster by URL. */
export async function saveConnection(page: Page, cluster: Cluster, database: string): Promise<void> {
  await page.getByRole('button', { name: '+ Add connection' }).click();
  await page.getByRole('textbox', { name: 'Connection URL' }).fill(`postgresql://${cluster.user}:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/${database}?sslmode=disable`);
  await page.getByLabel('Port', { exact: true }).and(page.locator(`[value="${cluster.port}"]`)).waitFor();
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.getByText(/^Saved “/).waitFor();
}

/** The phases as a Markdown table: wall time, long tasks, the longest by the observer and by the trace. */
export function phaseTable(phases: readonly PhaseResult[]): string {
  return markdownTable(
    ['phase', 'wall time', 'long tasks', 'longest task (observer)', 'longest task (trace): wall / CPU'],
    phases.map((p) => [p.phase, formatMs(p.ms), String(p.longTasks), formatMs(p.longestMs), `${formatMs(p.traceLongestMs)} / ${formatMs(p.traceLongestCpuMs)}`]),
  );
}
