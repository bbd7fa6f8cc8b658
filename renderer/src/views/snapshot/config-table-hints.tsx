/**
 * Small tables of the template that look like configuration (basejump's one-row `config`): a tenant made from the
 * snapshot gets them empty, and some apps refuse to run without their rows. Shown next to the dump so the person can
 * carry their rows as ledger tables knowingly; never carried on a guess.
 */
export function ConfigTableHints({ tables, onCarry }: { tables: readonly { table: string; rows: number }[]; onCarry?: (names: string[]) => void }) {
  if (tables.length === 0) return null;
  return (
    <div className="card compact-card top-gap" role="note" aria-label="Configuration tables">
      <strong className="small-text">Tables that look like configuration ({tables.length})</strong>
      <p className="muted small-text">Tenants get these tables empty. If the application needs their rows to run, carry them as ledger tables.</p>
      <ul className="wrap-anywhere small-text compact-list">
        {tables.map((t) => (
          <li key={t.table}>
            <span className="mono">{t.table}</span> ({t.rows} {t.rows === 1 ? 'row' : 'rows'})
          </li>
        ))}
      </ul>
      {onCarry ? (
        <button type="button" className="btn small" onClick={() => onCarry(tables.map((t) => t.table))}>
          Carry their rows and dump again
        </button>
      ) : null}
    </div>
  );
}
