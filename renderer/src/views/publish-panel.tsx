import { useCallback, useEffect, useState } from 'react';
import type { ConnectionTarget, PublishedSnapshotInfo } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { invoke } from '../api/client';
import { ErrorBox } from '../components/error-box';

export interface PublishPanelProps {
  snapshotId: string;
  target: ConnectionTarget;
}

/** Role names from a comma- or space-separated field. */
function parseRoles(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((r) => r !== ''))];
}

/**
 * Publishing the chosen snapshot into the target database (`tenantry publish`):
 * a label and the roles that may call `_tenantry.create_tenant` /
 * `claim_tenant`, the list of what is published there (the newest is what the
 * functions use without a label), and Unpublish with an inline confirmation.
 */
export function PublishPanel({ snapshotId, target }: PublishPanelProps) {
  const [published, setPublished] = useState<PublishedSnapshotInfo[]>();
  const [label, setLabel] = useState('');
  const [roles, setRoles] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<ErrorInfo>();
  const targetKey = JSON.stringify(target);

  const refresh = useCallback(async () => {
    const r = await invoke('publish:list', { target: JSON.parse(targetKey) as ConnectionTarget });
    if (!r.ok) {
      setPublished(undefined);
      return setError(r.error);
    }
    setPublished(r.value);
  }, [targetKey]);

  useEffect(() => {
    setError(undefined);
    setNote(undefined);
    void refresh();
  }, [refresh, snapshotId]);

  async function publish() {
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    const grants = parseRoles(roles);
    const r = await invoke('publish:publish', { target, snapshotId, grants, ...(label.trim() ? { label: label.trim() } : {}) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    const v = r.value;
    setNote(
      `${v.created ? 'Published' : 'Already published:'} snapshot ${v.checksum} as “${v.label}”. ` +
        (v.granted.length ? `EXECUTE granted to ${v.granted.join(', ')}.` : 'No role was granted EXECUTE.') +
        ` Call: SELECT _tenantry.create_tenant('name', '${v.label}')`,
    );
    await refresh();
  }

  async function unpublish(which: string) {
    setConfirming(undefined);
    setError(undefined);
    const r = await invoke('publish:unpublish', { target, label: which, confirm: true });
    if (!r.ok) setError(r.error);
    else setNote(`Unpublished “${which}”; tenants already created are kept.`);
    await refresh();
  }

  return (
    <section className="card" aria-label="Publish">
      <div className="row">
        <h2 className="u-m-0">Publish</h2>
        <span className="muted u-fs-12">
          Install this snapshot in the database so the application creates tenants itself with <code>SELECT _tenantry.create_tenant($1)</code>.
        </span>
      </div>
      <div className="row u-mt-10">
        <label className="row u-gap-6 u-fs-12">
          Label
          <input type="text" aria-label="Publish label" value={label} placeholder="checksum" className="u-w-120" onChange={(e) => setLabel(e.target.value)} />
        </label>
        <label className="row grow u-gap-6 u-fs-12">
          Grant to roles
          <input type="text" aria-label="Roles that may call create_tenant" value={roles} placeholder="app_user, worker" className="grow" onChange={(e) => setRoles(e.target.value)} />
        </label>
        <button type="button" className="btn primary" disabled={busy} onClick={() => void publish()}>
          {busy ? 'Publishing…' : 'Publish snapshot'}
        </button>
      </div>
      {note ? (
        <p role="status" aria-label="Publish result" className="muted u-fs-12 u-m-8-0-0">
          {note}
        </p>
      ) : null}
      {published && published.length > 0 ? (
        <table aria-label="Published snapshots" className="u-mt-8 u-fs-12">
          <thead>
            <tr>
              <th>Label</th>
              <th>Snapshot</th>
              <th>Template</th>
              <th>Published</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {published.map((p) => (
              <tr key={p.label}>
                <td className="mono">
                  {p.label}
                  {p.isDefault ? <span className="pill status-ok u-ml-6">default</span> : null}
                </td>
                <td className="mono">{p.checksum}</td>
                <td className="mono">{p.template}</td>
                <td>
                  {p.publishedAt.slice(0, 19).replace('T', ' ')} by {p.publishedBy}
                </td>
                <td>
                  {confirming === p.label ? (
                    <>
                      <button type="button" className="btn small danger" onClick={() => void unpublish(p.label)}>
                        Confirm unpublish {p.label}
                      </button>
                      <button type="button" className="btn small" onClick={() => setConfirming(undefined)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button type="button" className="btn small" aria-label={`Unpublish ${p.label}`} onClick={() => setConfirming(p.label)}>
                      Unpublish
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : published ? (
        <p className="muted u-fs-12 u-m-8-0-0">
          Nothing is published in this database yet.
        </p>
      ) : null}
      {error ? <ErrorBox error={error} title="Publish" /> : null}
    </section>
  );
}
