/** The Provision view's Publish panel, by accessible name (kept apart from app-page.ts, which other views' work edits). */
import type { Locator, Page } from 'playwright-core';

const LONG = 120_000;

export class PublishPanelPage {
  constructor(readonly page: Page) {}

  panel(): Locator {
    return this.page.getByRole('region', { name: 'Publish' });
  }

  /** Fills label and roles, presses "Publish snapshot" and waits for the result or an error. */
  async publish(label: string, roles: string): Promise<void> {
    const panel = this.panel();
    await panel.getByRole('textbox', { name: 'Publish label' }).fill(label);
    await panel.getByRole('textbox', { name: 'Roles that may call create_tenant' }).fill(roles);
    await panel.getByRole('button', { name: 'Publish snapshot', exact: true }).click();
    await this.result().or(this.error()).first().waitFor({ timeout: LONG });
  }

  result(): Locator {
    return this.panel().getByRole('status', { name: 'Publish result' });
  }

  error(): Locator {
    return this.panel().getByRole('alert');
  }

  table(): Locator {
    return this.panel().getByRole('table', { name: 'Published snapshots' });
  }

  row(label: string): Locator {
    return this.table().getByRole('row').filter({ hasText: label });
  }

  async unpublish(label: string): Promise<void> {
    await this.panel().getByRole('button', { name: `Unpublish ${label}`, exact: true }).click();
    await this.panel().getByRole('button', { name: `Confirm unpublish ${label}`, exact: true }).click();
  }
}
