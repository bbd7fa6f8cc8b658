/**
 * Runs the connection diagnostics (issue 4's diagnoseConnection) and maps its
 * steps and verdict to the contract's plain types.
 * TEMPORARY until electron/services/diagnostics lands.
 */
import type { DiagnosticsResult } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import type { JobContext } from './jobs.js';

/** Runs diagnostics for a profile, reporting each step as it finishes. */
export async function runDiagnostics(_profile: ConnectionProfile, _ctx: JobContext): Promise<DiagnosticsResult> {
  throw new TenantryError('NOT_AVAILABLE', 'Diagnostics are not available in this build yet.');
}
