/** Page objects: every selector the journeys use lives here, by accessible name. */
import type { Locator, Page } from 'playwright-core';

const LONG = 120_000;

export class AppPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByRole('navigation', { name: 'Views' }).waitFor();
  }

  async goTo(view: 'Connections' | 'Schemas' | 'Snapshot editor' | 'Provision' | 'Tenants' | 'SQL console'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
    await this.page.getByRole('heading', { level: 1, name: view }).waitFor();
  }

  get connections(): ConnectionsPage {
    return new ConnectionsPage(this.page);
  }
  get schemas(): SchemasPage {
    return new SchemasPage(this.page);
  }
  get snapshot(): SnapshotPage {
    return new SnapshotPage(this.page);
  }
  get provision(): ProvisionPage {
    return new ProvisionPage(this.page);
  }

  /** The visible error alert (service message), if any. */
  alert(): Locator {
    return this.page.getByRole('alert');
  }
}

export class ConnectionsPage {
  constructor(readonly page: Page) {}

  async startSandbox(): Promise<void> {
    await this.page.getByRole('button', { name: 'Start local sandbox' }).click();
    await this.page.getByText(/Running — PostgreSQL/).waitFor({ timeout: LONG });
  }

  async addConnection(): Promise<void> {
    await this.page.getByRole('button', { name: '+ Add connection' }).click();
    await this.page.getByRole('textbox', { name: 'Connection URL' }).waitFor();
  }

  async pasteUrl(url: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Connection URL' }).fill(url);
  }

  urlField(): Locator {
    return this.page.getByRole('textbox', { name: 'Connection URL' });
  }

  /** Pastes as a person does (a paste event, then the input), into the focused URL field. */
  async pasteIntoUrl(text: string): Promise<void> {
    await this.urlField().evaluate((input, value) => {
      const data = new DataTransfer();
      data.setData('text/plain', value);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
    await this.page.keyboard.insertText(text);
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  async openSslTab(): Promise<void> {
    await this.page.getByRole('tab', { name: 'SSL' }).click();
    await this.page.getByRole('combobox', { name: 'SSL mode' }).waitFor();
  }

  async setSslMode(mode: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'SSL mode' }).selectOption(mode);
  }

  async setFile(label: string, path: string): Promise<void> {
    await this.page.getByRole('textbox', { name: label }).fill(path);
  }

  async testConnection(): Promise<void> {
    await this.page.getByRole('button', { name: 'Test connection' }).click();
  }

  async runDiagnostics(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Run diagnostics' }).click();
    const verdict = this.page.getByRole('status', { name: 'Verdict' });
    await verdict.waitFor({ timeout: LONG });
    return verdict;
  }

  /** The error of a failed quick test. */
  testError(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'Connection failed' });
  }

  /** The full diagnosis offered next to a failed quick test. */
  async runFullDiagnostics(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Run full diagnostics' }).click();
    const verdict = this.page.getByRole('status', { name: 'Verdict' });
    await verdict.waitFor({ timeout: LONG });
    return verdict;
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save connection' }).click();
    await this.page.getByText(/^Saved “/).waitFor();
  }

  connectedBox(): Locator {
    return this.page.getByRole('status', { name: 'Connection test result' });
  }
}

export class SchemasPage {
  constructor(readonly page: Page) {}

  async chooseTemplate(schema: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Template ${schema}` }).check();
  }

  async waitForSchema(schema: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Template ${schema}` }).waitFor({ timeout: LONG });
  }

  /** The row under a template that folds its warm-pool spares: "▸ 3 warm-pool spares of tmpl". */
  spareGroup(template: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^[▸▾] \\d+ warm-pool spares? of ${template}$`) });
  }

  /** The row under a template that folds its registered tenants: "▸ 153 tenants of tmpl", "▾ 1 of 153 tenants of tmpl". */
  tenantGroup(template: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^[▸▾] (\\d[\\d,]* of )?\\d[\\d,]* tenants? of ${template}$`) });
  }

  /** The schema list's rows whose radio names the schema (spares' radios are disabled). */
  schemaRadios(): Locator {
    return this.page.getByRole('region', { name: 'Schemas' }).getByRole('radio');
  }

  async dump(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Dump schema' }).click();
    const done = this.page.getByRole('status', { name: 'Dump finished' }).or(this.page.getByRole('alert'));
    await done.first().waitFor({ timeout: LONG });
    return done.first();
  }

  carryPartitionsBox(): Locator {
    return this.page.getByRole('checkbox', { name: /Carry partitions kept in other schemas/ });
  }

  ledgerField(): Locator {
    return this.page.getByRole('textbox', { name: /Ledger tables whose rows are copied/ });
  }

  /** The button offered when the template's partitions live in other schemas; waits for the new dump. */
  async carryPartitionsAndDumpAgain(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Carry the partitions and dump again' }).click();
    return this.waitForDump();
  }

  /** Small tables that look like configuration, listed beside a finished dump. */
  configTables(): Locator {
    return this.page.getByRole('status', { name: 'Dump finished' }).getByRole('note', { name: 'Configuration tables' });
  }

  async carryConfigRowsAndDumpAgain(): Promise<Locator> {
    await this.configTables().getByRole('button', { name: 'Carry their rows and dump again' }).click();
    return this.waitForDump();
  }

  private async waitForDump(): Promise<Locator> {
    const done = this.page.getByRole('status', { name: 'Dump finished' });
    await done.waitFor({ timeout: LONG });
    return done;
  }
}

export class SnapshotPage {
  constructor(readonly page: Page) {}

  /** The status text "N references found…" once the worker has answered. */
  async referenceCount(): Promise<number> {
    const status = this.page.getByRole('status').filter({ hasText: /references found/ });
    await status.waitFor({ timeout: LONG });
    const text = (await status.textContent()) ?? '';
    return Number(/(\d+) references found/.exec(text)?.[1] ?? NaN);
  }

  highlighted(group: 'identifier' | 'name-literal' | 'function-body' | 'review'): Locator {
    return this.page.locator(`.ref-hl-${group}`);
  }

  async setPlaceholder(value: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Placeholder' }).fill(value);
  }

  async replaceAll(): Promise<void> {
    await this.page.getByRole('button', { name: 'Replace all references' }).click();
    await this.page.getByText(/references replaced with/).waitFor({ timeout: LONG });
  }

  async save(name: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Snapshot name' }).fill(name);
    await this.page.getByRole('button', { name: 'Save snapshot' }).click();
    await this.page.getByRole('status', { name: 'Snapshot saved' }).waitFor({ timeout: LONG });
  }

  /** Clicks Replace all references without waiting for success (the build may fail). */
  async tryReplaceAll(): Promise<void> {
    await this.page.getByRole('button', { name: 'Replace all references' }).click();
  }

  buildError(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'Could not build the snapshot' });
  }

  buildResult(): Locator {
    return this.page.getByText(/references? replaced with/);
  }

  savedNote(): Locator {
    return this.page.getByRole('status', { name: 'Snapshot saved' });
  }

  saveButton(): Locator {
    return this.page.getByRole('button', { name: 'Save snapshot' });
  }

  tab(name: 'Dump' | 'Snapshot' | 'Diff'): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  configTables(): Locator {
    return this.page.getByRole('note', { name: 'Configuration tables' });
  }

  /** What tenants will share with the rest of the database (and what the dump carried). */
  sharedList(): Locator {
    return this.page.getByRole('group', { name: 'Shared with the rest of the database' });
  }

  /** The build's Citus compatibility report (a build from a Citus coordinator's dump). */
  citusReport(): Locator {
    return this.page.getByRole('group', { name: 'Citus compatibility' });
  }

  /** Visible editor text (what Monaco rendered). */
  editorText(): Locator {
    return this.page.locator('[data-testid="sql-editor"] .view-lines');
  }

  /** The visible editor text with Monaco's non-breaking spaces as plain spaces. */
  async visibleEditorText(): Promise<string> {
    return ((await this.editorText().textContent()) ?? '').replace(/\u00a0/g, ' ');
  }
}

export class ProvisionPage {
  constructor(readonly page: Page) {}

  async chooseSnapshot(name: RegExp | string): Promise<void> {
    const select = this.page.getByRole('combobox', { name: 'Snapshot' });
    const option = select.locator('option').filter({ hasText: name }).first();
    await option.waitFor({ state: 'attached' });
    await select.selectOption((await option.getAttribute('value')) ?? '');
  }

  async typeTenantName(name: string): Promise<Locator> {
    await this.page.getByRole('textbox', { name: 'Tenant name', exact: true }).fill(name);
    return this.page.locator('#tenant-name-help');
  }

  async createTenants(names: string[]): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Tenant names' }).fill(names.join('\n'));
    await this.page.getByRole('button', { name: 'Create tenants' }).click();
  }

  progress(): Locator {
    return this.page.getByRole('progressbar', { name: 'Provisioning progress' });
  }

  async cancel(): Promise<void> {
    await this.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }

  /** After a Cancel: the button that starts the tenants the batch never started. */
  startRemaining(count: number): Locator {
    return this.page.getByRole('button', { name: `Start the remaining (${count})` });
  }

  retryFailures(): Locator {
    return this.page.getByRole('button', { name: /^Retry failures/ });
  }

  /** Tenant rows whose status cell reads exactly this status ("created", "not started", "failed"…). */
  /**
   * Rows whose status word is `status`. The word has its own element: the cell's text runs on into the error message
   * below it ("cancelledCreating tenant …"), which a pattern on the whole cell did not match.
   */
  rowsWithStatus(status: string): Locator {
    return this.page.locator('tr[data-tenant]').filter({ has: this.page.locator('td:nth-child(2) .status-word', { hasText: new RegExp(`^\\s*${status}\\s*$`) }) });
  }

  async filterHistory(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Filter history' }).fill(text);
  }

  historyCount(): Locator {
    return this.page.getByRole('status', { name: 'History count' });
  }

  historyRows(): Locator {
    return this.page.getByRole('region', { name: 'History' }).locator('tbody tr');
  }

  async waitForSummary(): Promise<string> {
    const summary = this.page.getByRole('status').filter({ hasText: /\d+ created(, | in )/ });
    await summary.waitFor({ timeout: LONG });
    return (await summary.textContent()) ?? '';
  }

  /** The warm pool panel's "N of K spares ready" text. */
  poolStatus(): Locator {
    return this.page.getByRole('status', { name: 'Warm pool status' });
  }

  async setPoolSize(size: number): Promise<void> {
    const field = this.page.getByRole('spinbutton', { name: 'Pool size' });
    await field.fill(String(size));
    await field.press('Enter');
    await this.poolStatus().filter({ hasText: new RegExp(`of ${size} spares? ready`) }).waitFor({ timeout: LONG });
  }

  async fillPool(): Promise<void> {
    await this.page.getByRole('button', { name: 'Fill pool', exact: true }).click();
  }

  /** Waits until the pool reports `ready` spares of this snapshot. */
  async waitForPoolReady(ready: number): Promise<void> {
    await this.poolStatus().filter({ hasText: new RegExp(`^\\s*${ready} of \\d+ spares? ready`) }).waitFor({ timeout: LONG });
  }

  /** The "owned by another snapshot …" note (absent while the pool is the chosen snapshot's or nobody's). */
  poolOwner(): Locator {
    return this.page.getByLabel('Warm pool owner');
  }

  /** "Replace pool…", then the inline confirmation. */
  async replacePool(): Promise<void> {
    await this.page.getByRole('button', { name: 'Replace pool…', exact: true }).click();
    await this.page.getByRole('button', { name: 'Confirm replace', exact: true }).click();
  }

  async emptyPool(): Promise<void> {
    await this.page.getByRole('button', { name: 'Empty pool', exact: true }).click();
    await this.page.getByRole('button', { name: 'Confirm empty', exact: true }).click();
  }

  async createTenant(name: string): Promise<void> {
    await this.typeTenantName(name);
    const button = this.page.getByRole('button', { name: 'Create tenant', exact: true });
    await expectEnabled(button);
    await button.click();
  }

  tenantRow(tenant: string): Locator {
    return this.page.locator(`tr[data-tenant="${tenant}"]`);
  }

  async verify(tenant: string): Promise<Locator> {
    await this.tenantRow(tenant).getByRole('button', { name: 'Verify', exact: true }).click();
    const result = this.page.getByRole('status', { name: `Verification of ${tenant}` }).or(this.page.getByRole('alert').filter({ hasText: 'Verification failed' }));
    await result.first().waitFor({ timeout: LONG });
    return result.first();
  }
}

async function expectEnabled(locator: Locator): Promise<void> {
  const until = Date.now() + 10_000;
  while (await locator.isDisabled()) {
    if (Date.now() > until) throw new Error('The button stayed disabled.');
    await new Promise((r) => setTimeout(r, 100));
  }
}
