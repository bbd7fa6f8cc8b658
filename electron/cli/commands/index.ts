import type { CliCommand } from '../command.js';
import { uiCommand } from './ui.js';
import { diagnoseCommand } from './diagnose.js';
import { connectionCommand } from './connection.js';
import { schemasCommand } from './schemas.js';
import { dumpCommand } from './dump.js';
import { verifyCommand } from './verify.js';
import { dropCommand } from './drop.js';
import { provisionCommand } from './provision.js';
import { snapshotCommand } from './snapshot.js';
import { templateCommand } from './template.js';
import { renderCommand } from './render.js';
import { poolCommand } from './pool.js';
import { publishCommand } from './publish.js';
import { migrateCommand } from './migrate.js';
import { tenantsCommand } from './tenants.js';
import { driftCommand } from './drift.js';
import { checkCommand } from './check.js';
import { moveCommand, placementCommand } from './placement.js';

/**
 * Every CLI command, in the order `tenantry --help` lists them. Each command
 * lives in its own file in this folder; add one line here per command.
 */
export const commands: CliCommand[] = [uiCommand, diagnoseCommand, connectionCommand, schemasCommand, dumpCommand, snapshotCommand, templateCommand, renderCommand, provisionCommand, verifyCommand, dropCommand, poolCommand, publishCommand, migrateCommand, tenantsCommand, driftCommand, checkCommand, placementCommand, moveCommand];
