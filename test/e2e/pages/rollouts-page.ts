/** The Rollouts panel of the Tenants view: selectors by accessible name. */
import type { Locator, Page } from 'playwright-core';

const LONG = 120_000;

export class RolloutsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Rollouts…' }).click();
    await this.migration().waitFor();
  }

  async backToTenants(): Promise<void> {
    await this.page.getByRole('button', { name: 'Back to the tenants' }).click();
  }

  migration(): Locator {
    return this.page.getByRole('region', { name: 'Migration', exact: true });
  }

  /** Types the migration's path and reviews it; resolves to the line saying how many references were found. */
  async review(path: string): Promise<Locator> {
    await this.migration().getByRole('textbox', { name: 'Migration file or folder' }).fill(path);
    await this.migration().getByRole('button', { name: 'Review' }).click();
    const found = this.page.getByRole('status', { name: 'References found' });
    await found.waitFor({ timeout: LONG });
    return found;
  }

  async setNumber(label: string, value: number): Promise<void> {
    await this.migration().getByRole('spinbutton', { name: label }).fill(String(value));
  }

  async dryRun(): Promise<Locator> {
    await this.migration().getByRole('button', { name: 'Dry run' }).click();
    const box = this.page.getByRole('status', { name: 'Dry run' });
    await box.waitFor({ timeout: LONG });
    return box;
  }

  async runCanary(): Promise<void> {
    await this.migration().getByRole('button', { name: 'Run canary' }).click();
  }

  async continueWithTheRest(): Promise<void> {
    await this.page.getByRole('button', { name: /^Continue with the rest/ }).click();
  }

  /** "4 done, 0 skipped, 2 failed, 1 to go" (and the wave while it runs). */
  counts(): Locator {
    return this.page.getByRole('status', { name: 'Rollout counts' });
  }

  tenantRow(tenant: string): Locator {
    return this.page.getByRole('table', { name: 'Rollout tenants' }).getByRole('row').filter({ has: this.page.getByRole('cell', { name: tenant, exact: true }) });
  }

  failures(): Locator {
    return this.page.getByRole('table', { name: 'Failed tenants' });
  }

  failedRow(tenant: string): Locator {
    return this.failures().getByRole('row').filter({ has: this.page.getByRole('cell', { name: tenant, exact: true }) });
  }

  async retry(tenant: string): Promise<void> {
    await this.page.getByRole('button', { name: `Retry ${tenant}`, exact: true }).click();
  }

  async skip(tenant: string): Promise<void> {
    await this.page.getByRole('button', { name: `Skip ${tenant}`, exact: true }).click();
  }

  async refresh(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Refresh snapshot and pool' }).click();
    const result = this.page.getByRole('status', { name: 'Refresh result' });
    await result.waitFor({ timeout: LONG });
    return result;
  }
}
