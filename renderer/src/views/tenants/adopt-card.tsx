/** Adoption: schemas made without Tenantry that match a template, with the evidence, recorded after a choice. */
import { useState } from 'react';
import type { AdoptionCandidate, ConnectionTarget } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { pluralize } from '../../lib/plural';

export function AdoptCard({ target, template, schemas, onAdopted, onClose }: { target: ConnectionTarget; template: string | undefined; schemas: string[]; onAdopted(template: string, message: string): void; onClose(): void }) {
  const [chosenTemplate, setChosenTemplate] = useState(template ?? '');
  const [minMatch, setMinMatch] = useState(80);
  const [candidates, setCandidates] = useState<AdoptionCandidate[]>();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);

  async function find() {
    setBusy(true);
    setError(undefined);
    const r = await invoke('fleet:adopt-candidates', { target, template: chosenTemplate, minMatch });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setCandidates(r.value);
    setPicked(new Set(r.value.map((c) => c.schema)));
  }
  async function adopt() {
    setBusy(true);
    setError(undefined);
    const r = await invoke('fleet:adopt', { target, template: chosenTemplate, schemas: [...picked] });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onAdopted(chosenTemplate, `Recorded ${pluralize(r.value.adopted.length, 'schema')} as adopted tenants of ${chosenTemplate}; nothing in them was changed.`);
  }
  return (
    <section className="card" aria-label="Adopt schemas">
      <div className="row">
        <h2 className="flush">Adopt existing schemas</h2>
        <span className="grow" />
        <button type="button" className="btn small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small-text">Finds schemas not in the register whose tables and columns match the template, and records the ones you keep as adopted tenants. Nothing in them is changed.</p>
      <div className="row">
        <label className="field grow">
          <span>Template</span>
          <select value={chosenTemplate} onChange={(e) => setChosenTemplate(e.target.value)}>
            <option value="">(choose)</option>
            {schemas.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Minimum match %</span>
          <input type="number" className="narrow-number" min={0} max={100} value={minMatch} onChange={(e) => setMinMatch(Math.max(0, Math.min(100, Number(e.target.value) || 0)))} />
        </label>
        <button type="button" className="btn" disabled={!chosenTemplate || busy} onClick={() => void find()}>
          Find candidates
        </button>
      </div>
      {error ? <ErrorBox error={error} title="Adoption" /> : null}
      {candidates ? (
        candidates.length === 0 ? (
          <p className="muted">No unregistered schema matches {chosenTemplate} at {minMatch} % or more.</p>
        ) : (
          <>
            <table className="data top-gap" aria-label="Adoption candidates">
              <thead>
                <tr>
                  <th />
                  <th>Schema</th>
                  <th className="num">Match</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.schema}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Adopt ${c.schema}`}
                        checked={picked.has(c.schema)}
                        onChange={() =>
                          setPicked((p) => {
                            const next = new Set(p);
                            if (!next.delete(c.schema)) next.add(c.schema);
                            return next;
                          })
                        }
                      />
                    </td>
                    <td className="mono">{c.schema}</td>
                    <td className="num">{Math.round(c.match * 100)} %</td>
                    <td className="small-text">
                      relations {c.sharedRelations}/{c.templateRelations}, columns {c.sharedColumns}/{c.templateColumns}
                      {c.extraRelations > 0 ? `, ${c.extraRelations} extra` : ''}
                      {c.missingRelations.length > 0 ? `, missing ${c.missingRelations.join(', ')}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" className="btn primary top-gap" disabled={picked.size === 0 || busy} onClick={() => void adopt()}>
              Adopt {pluralize(picked.size, 'schema')}
            </button>
          </>
        )
      ) : null}
    </section>
  );
}
