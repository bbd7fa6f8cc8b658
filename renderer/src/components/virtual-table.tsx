/**
 * A table that renders only the rows in view (plus a few either side): 50,000
 * rows cost what 40 do. Rows have one fixed height; the header sticks to the
 * top of the scrolling area. ARIA table roles with aria-rowcount and
 * aria-rowindex tell assistive technology (and Playwright) how many rows there
 * are and where each shown one sits.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

const OVERSCAN = 8;

export interface VirtualTableProps {
  label: string;
  rowCount: number;
  rowHeight: number;
  /** CSS grid-template-columns shared by the header and every row. */
  columns: string;
  header: ReactNode;
  renderRow(index: number): ReactNode;
  /** Row class (e.g. selected). */
  rowClass?(index: number): string;
  /** When this changes, the table scrolls back to the top (a new filter or sort). */
  resetKey?: unknown;
}

/** The rows [first, last) to render for a scroll position. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, rowCount: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + OVERSCAN);
  return [first, Math.max(first, last)];
}

export function VirtualTable({ label, rowCount, rowHeight, columns, header, renderRow, rowClass, resetKey }: VirtualTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    setViewport(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const [first, last] = visibleRange(scrollTop, viewport, rowHeight, rowCount);
  // Keys by slot, not by row: a row scrolled in takes over the DOM of one scrolled out (an update, not a mount).
  const slots = Math.ceil(viewport / rowHeight) + 2 * OVERSCAN + 2;
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i % slots} role="row" aria-rowindex={i + 2} className={`vrow ${rowClass?.(i) ?? ''}`} style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: columns }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div role="table" aria-label={label} aria-rowcount={rowCount + 1} className="vtable" ref={scroller} tabIndex={0} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div role="rowgroup" className="vhead">
        <div role="row" aria-rowindex={1} className="vrow-head" style={{ gridTemplateColumns: columns }}>
          {header}
        </div>
      </div>
      <div role="rowgroup" className="vbody" style={{ height: rowCount * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
