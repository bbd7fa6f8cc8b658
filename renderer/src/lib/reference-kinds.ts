import type { ReferenceInfo } from '../../../core/api/contract';

/** The four display groups of references, with their colours (styles.css). */
export type RefGroup = 'identifier' | 'name-literal' | 'function-body' | 'review';

export const GROUP_LABEL: Record<RefGroup, string> = {
  identifier: 'Identifiers',
  'name-literal': 'Name literals',
  'function-body': 'Inside function bodies',
  review: 'Need a decision',
};

export const GROUP_RULER: Record<RefGroup, string> = {
  identifier: '#2f6fde',
  'name-literal': '#1f8a4c',
  'function-body': '#8e44ad',
  review: '#d67800',
};

/** Which group a reference is shown in. */
export function groupOf(ref: ReferenceInfo): RefGroup {
  if (ref.needsReview) return 'review';
  // Unflagged comments are pg_dump's own headers (`-- Name: t; Type: TABLE; Schema: tmpl; …`): they name the schema.
  if (ref.kind === 'identifier' || ref.kind === 'comment') return 'identifier';
  if (ref.kind === 'function-body' || ref.kind === 'dynamic-sql') return 'function-body';
  return 'name-literal';
}
