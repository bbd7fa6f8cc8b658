/**
 * The defaults of everything that shapes a snapshot's text: pg_dump's
 * --no-owner / --no-privileges, minifying, the placeholder and ledger tables.
 * The CLI (`tenantry snapshot`, `tenantry dump`) and the app (Schemas and
 * Snapshot editor views) both start from these, so the same template gives the
 * same snapshot, the same checksum, and so the same warm pool, from either
 * (they used to differ on --no-owner, so the CLI's and the app's snapshots
 * never matched and each took the other's pool).
 *
 * Owners are kept by default, as pg_dump does: a tenant's objects then belong
 * to the template's owner whoever provisions them (with --no-owner they belong
 * to the provisioning role, often a superuser the application cannot act as).
 */
import { DEFAULT_PLACEHOLDER } from '../snapshot/template.js';

export interface SnapshotDefaults {
  noOwner: boolean;
  noPrivileges: boolean;
  minify: boolean;
  placeholder: string;
  ledgerTables: readonly string[];
}

/** The one set of snapshot option defaults. */
export const SNAPSHOT_DEFAULTS: Readonly<SnapshotDefaults> = Object.freeze({
  noOwner: false,
  noPrivileges: false,
  minify: false,
  placeholder: DEFAULT_PLACEHOLDER,
  ledgerTables: Object.freeze([]) as readonly string[],
});
