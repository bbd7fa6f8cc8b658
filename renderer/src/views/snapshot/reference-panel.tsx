import { useMemo } from 'react';
import type { ReferenceInfo } from '../../../../core/api/contract';
import { GROUP_LABEL, groupOf, type RefGroup } from '../../lib/reference-kinds';

const GROUPS: RefGroup[] = ['review', 'identifier', 'name-literal', 'function-body'];
const SHOWN = 400;

export interface ReferencePanelProps {
  refs: ReferenceInfo[];
  skipped: ReadonlySet<number>;
  onToggle(i: number): void;
  onReveal(r: ReferenceInfo): void;
}

/** The references by group: each one's place and text (wrapped, readable at any panel width) and a replace tick. */
export function ReferencePanel(props: ReferencePanelProps) {
  const groups = useMemo(() => {
    const map = new Map<RefGroup, ReferenceInfo[]>();
    for (const r of props.refs) {
      const g = groupOf(r);
      const list = map.get(g);
      if (list) list.push(r);
      else map.set(g, [r]);
    }
    return map;
  }, [props.refs]);
  return (
    <>
      {GROUPS.filter((g) => groups.has(g)).map((g) => {
        const list = groups.get(g) ?? [];
        return (
          <div className="ref-group" key={g} aria-label={`${GROUP_LABEL[g]} references`}>
            <h3>
              <span className={`swatch ${g}`} /> {GROUP_LABEL[g]} <span className="pill">{list.length}</span>
            </h3>
            {list.slice(0, SHOWN).map((r) => (
              <div key={r.index} className={`ref-item ${props.skipped.has(r.index) ? 'skipped' : ''}`}>
                <button type="button" className="link mono" title={r.context} onClick={() => props.onReveal(r)}>
                  <span className="ref-place">
                    {r.line}:{r.column}
                  </span>{' '}
                  {r.context.trim().slice(0, 160)}
                </button>
                <input type="checkbox" title="Replace this reference" aria-label={`Replace reference at line ${r.line} column ${r.column}`} checked={!props.skipped.has(r.index)} onChange={() => props.onToggle(r.index)} />
              </div>
            ))}
            {list.length > SHOWN ? <div className="muted">… {list.length - SHOWN} more</div> : null}
          </div>
        );
      })}
    </>
  );
}
