import type { CliCommand } from '../command.js';

/**
 * Every CLI command, in the order `tenantry --help` lists them. Each command
 * lives in its own file in this folder; add one line here per command.
 */
export const commands: CliCommand[] = [];
