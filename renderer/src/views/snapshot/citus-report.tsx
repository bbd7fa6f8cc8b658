import type { CitusReportInfo } from '../../../../core/api/contract';
import { describeCitus } from '../../../../core/citus/citus-facts';
import { wordForApp } from '../../lib/app-wording';

/**
 * The snapshot built for a Citus coordinator (tenants there become distributed schemas): what Citus refuses of it
 * and what Tenantry rewrites, each with its line, as `tenantry snapshot` prints it. Open when something is refused:
 * provisioning distributed tenants from this snapshot would stop before the first.
 */
export function CitusReport({ report }: { report: CitusReportInfo }) {
  const refused = report.findings.filter((f) => f.handling === 'refused').length;
  return (
    <details className={`card compact-card top-gap${report.refused ? ' warn-card' : ''}`} aria-label="Citus compatibility" open={report.refused}>
      <summary>
        <strong className="text-color">Citus compatibility</strong>{' '}
        {report.findings.length === 0 ? '(nothing refused)' : `(${report.findings.length} ${report.findings.length === 1 ? 'finding' : 'findings'}, ${refused} refused)`}
      </summary>
      <p className="muted small-text">{describeCitus(report.facts)} Tenants provisioned here become distributed schemas.</p>
      {report.refused ? (
        <p className="small-text" role="alert">
          Citus refuses {refused === 1 ? 'a statement' : `${refused} statements`} of this snapshot in a distributed schema: provisioning tenants here from it stops before the first. Change the template, or keep tenants on the coordinator (command line: <span className="mono">tenantry provision --local</span>).
        </p>
      ) : report.findings.length === 0 ? (
        <p className="small-text">Nothing in this snapshot is refused in a distributed schema.</p>
      ) : null}
      {report.findings.length > 0 ? (
        <ul className="wrap-anywhere small-text compact-list">
          {report.findings.map((f, i) => (
            <li key={i} className="citus-finding" aria-label={`Citus finding line ${f.line}`}>
              <strong>line {f.line}</strong> <span className={`pill ${f.handling === 'refused' ? 'status-bad' : 'status-ok'}`}>{f.handling}</span> <span className="mono">{f.statement}</span>
              <div>Citus: {f.citus}</div>
              <div>Tenantry: {wordForApp(f.tenantry)}</div>
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}
