/**
 * Finds the template schema's references off the UI thread, so a 10 MB dump
 * keeps the editor responsive. The same engine code the backend uses.
 */
import type { ReferenceInfo } from '../../../core/api/contract';
import { toErrorInfo } from '../../../core/errors';
import { findReferencesForEditor } from './find-references';
import type { ReferencesRequest, ReferencesResponse } from './references-protocol';

self.onmessage = (event: MessageEvent<ReferencesRequest>) => {
  const { id, sql, schema, catalog } = event.data;
  const started = performance.now();
  let response: ReferencesResponse;
  try {
    const references: ReferenceInfo[] = findReferencesForEditor(sql, schema, catalog);
    response = { id, ok: true, references, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    response = { id, ok: false, error: toErrorInfo(error) };
  }
  (self as unknown as { postMessage(m: ReferencesResponse): void }).postMessage(response);
};
