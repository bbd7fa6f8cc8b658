/** The Tenants view (and its Rollouts panel): selectors by accessible name. */
import type { Download, Locator, Page } from 'playwright-core';

const LONG = 120_000;

export class TenantsPage {
  constructor(readonly page: Page) {}

  census(): Locator {
    return this.page.getByRole('region', { name: 'Census' });
  }

  /** A cohort's legend button, by its text ("197 equal to the template"). */
  cohort(text: string | RegExp): Locator {
    return this.page.getByRole('group', { name: 'Cohorts' }).getByRole('button', { name: text });
  }

  cohorts(): Locator {
    return this.page.getByRole('group', { name: 'Cohorts' }).getByRole('button');
  }

  table(): Locator {
    return this.page.getByRole('table', { name: 'Tenants' });
  }

  /** The data rows rendered now (the table is virtualised: only those in view). */
  renderedRows(): Locator {
    return this.table().getByRole('row').filter({ has: this.page.getByRole('cell') });
  }

  shownCount(): Locator {
    return this.page.getByRole('status', { name: 'Tenants shown' });
  }

  async waitForCensus(pattern: RegExp): Promise<void> {
    await this.census().filter({ hasText: pattern }).waitFor({ timeout: LONG });
  }

  /** Waits until no census is being taken (after an action the view reloads it). */
  async waitForCensusLoaded(): Promise<void> {
    await this.census().getByRole('button', { name: 'Refresh' }).and(this.page.locator(':enabled')).waitFor({ timeout: LONG });
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Filter tenants' }).fill(text);
  }

  async status(label: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Status' }).selectOption({ label });
  }

  /** The Node filter (on a Citus coordinator), by its option's label. */
  async node(label: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Node' }).selectOption({ label });
  }

  /** A tenant's Node cell (on a Citus coordinator). */
  nodeCell(tenant: string): Locator {
    return this.table().getByRole('cell', { name: `Node of ${tenant}`, exact: true });
  }

  /** Opens the move card for the one selected tenant. */
  async openMove(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Move to node…' }).click();
    const card = this.page.getByRole('region', { name: 'Move tenant' });
    await card.waitFor();
    return card;
  }

  async sortBy(column: string): Promise<void> {
    await this.table().getByRole('button', { name: new RegExp(`^${column}`) }).click();
  }

  async select(tenant: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Select ${tenant}`, exact: true }).check();
  }

  differences(cohortId?: string): Locator {
    return this.page.getByRole('region', { name: cohortId ? `Differences of cohort ${cohortId}` : /^Differences of cohort / });
  }

  async verifySelected(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Verify selected' }).click();
    const summary = this.page.getByRole('status', { name: 'Verify summary' });
    await summary.waitFor({ timeout: LONG });
    return summary;
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export CSV' }).click();
    return download;
  }

  async drop(tenant: string): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Drop…' }).click();
    const card = this.page.getByRole('region', { name: 'Drop tenant' });
    await card.getByRole('textbox', { name: 'Tenant name to drop' }).fill(tenant);
    await card.getByRole('button', { name: 'Drop tenant' }).click();
    const notice = this.page.getByRole('status', { name: 'Tenants notice' }).filter({ hasText: /^Dropped tenant/ });
    await notice.waitFor({ timeout: LONG });
    await this.waitForCensusLoaded();
    return notice;
  }

  async adopt(template: string): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Adopt schemas…' }).click();
    const card = this.page.getByRole('region', { name: 'Adopt schemas' });
    await card.getByRole('combobox', { name: 'Template' }).selectOption(template);
    await card.getByRole('button', { name: 'Find candidates' }).click();
    await card.getByRole('table', { name: 'Adoption candidates' }).waitFor({ timeout: LONG });
    return card;
  }
}
