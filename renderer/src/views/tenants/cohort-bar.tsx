/** The census as a bar of cohorts, sized by members, and a legend of buttons that filter the table by cohort. */
import type { FleetCohortInfo } from '../../../../core/api/contract';

export function cohortLabel(c: FleetCohortInfo): string {
  return `${c.size.toLocaleString('en-US')} ${c.name}`;
}

export function CohortBar({ cohorts, missing, chosen, onChoose }: { cohorts: FleetCohortInfo[]; missing: number; chosen: number | undefined; onChoose(index: number | undefined): void }) {
  const total = cohorts.reduce((n, c) => n + c.size, 0);
  if (cohorts.length === 0) return null;
  return (
    <div>
      <div className="cohort-bar" aria-hidden="true">
        {cohorts.map((c, i) => (
          <button
            key={c.id}
            type="button"
            tabIndex={-1}
            className={`cohort-seg ${c.status} ${chosen === i ? 'current' : ''}`}
            style={{ flexGrow: c.size, flexBasis: 0 }}
            title={`${cohortLabel(c)} (${((100 * c.size) / Math.max(1, total)).toFixed(1)} %)`}
            onClick={() => onChoose(chosen === i ? undefined : i)}
          />
        ))}
      </div>
      <div className="cohort-legend" role="group" aria-label="Cohorts">
        {cohorts.map((c, i) => (
          <button key={c.id} type="button" className="cohort-chip" aria-pressed={chosen === i} onClick={() => onChoose(chosen === i ? undefined : i)} title={`Cohort ${c.id}${c.differingKinds.length > 0 ? `: differs in ${c.differingKinds.join(', ')}` : ''}`}>
            <span className={`swatch ${c.status}`} aria-hidden="true" />
            <strong>{c.size.toLocaleString('en-US')}</strong> {c.name}
            {c.differingKinds.length > 0 ? <span className="muted">· {c.differingKinds.join(', ')}</span> : null}
          </button>
        ))}
        {missing > 0 ? <span className="pill status-warn">{missing.toLocaleString('en-US')} registered but the schema is gone</span> : null}
      </div>
    </div>
  );
}
