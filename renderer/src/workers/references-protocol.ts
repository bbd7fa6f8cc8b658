import type { ReferenceInfo } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts';

export interface ReferencesRequest {
  id: number;
  sql: string;
  schema: string;
  catalog?: CatalogFacts;
}

export type ReferencesResponse = { id: number; ok: true; references: ReferenceInfo[]; elapsedMs: number } | { id: number; ok: false; error: ErrorInfo };
