/**
 * Adapts an engine Snapshot to what the warm pool needs: per placeholder
 * occurrence (by body offset), the text that replaces it for a name, with the
 * engine's own quoting rules (renderName), and whether it is kept as text.
 */
import { listOccurrences, type Snapshot } from '../../../core/snapshot/format.js';
import { renderName } from '../../../core/snapshot/render.js';
import { assertStringsReadAlike } from '../../../core/snapshot/conforming-strings.js';
import type { ReferenceSite } from '../../../core/snapshot/references.js';
import type { PoolSnapshot } from './warm-pool.js';

/** The PoolSnapshot of a parsed or freshly created snapshot. */
export function toPoolSnapshot(snapshot: Snapshot, label?: string): PoolSnapshot {
  // Spares and claims run with standard_conforming_strings = on like every tenant.
  assertStringsReadAlike(snapshot);
  const sites = new Map<number, ReferenceSite>();
  for (const { offset, context } of listOccurrences(snapshot)) sites.set(offset, context);
  let cachedName = '';
  let cache = new Map<ReferenceSite, string>();
  const siteAt = (offset: number): ReferenceSite => {
    const site = sites.get(offset);
    if (!site) throw new Error(`no placeholder occurrence at body offset ${offset}`);
    return site;
  };
  return {
    checksum: snapshot.header.checksum,
    body: snapshot.body,
    placeholder: snapshot.header.placeholder,
    sessionSettings: snapshot.header.sessionSettings,
    protectedNames: [snapshot.header.schema],
    templateSchema: snapshot.header.schema,
    ...(label !== undefined ? { label } : {}),
    nameAt(offset, name) {
      if (name !== cachedName) {
        cachedName = name;
        cache = new Map();
      }
      const site = siteAt(offset);
      let text = cache.get(site);
      if (text === undefined) {
        text = renderName(name, site);
        cache.set(site, text);
      }
      return text;
    },
    // An SQL comment (-- … or /* … */) is never stored in the catalog, whatever it names.
    storedAsText: (offset) => {
      const site = siteAt(offset);
      return site.storedAsText && !site.wrappers.some((w) => w.type === 'line-comment' || w.type === 'block-comment');
    },
  };
}
