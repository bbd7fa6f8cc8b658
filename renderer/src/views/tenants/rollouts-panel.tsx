/**
 * The Rollouts panel (issue 15), opened from the Tenants view: choose the
 * migration (a .sql file or a folder of versions), review it (the snapshot
 * editor's references), choose the tenants (all of the template, a cohort, or
 * the ones selected in the table), dry run, canary, all; then follow it live
 * and deal with failures (rollout-progress.tsx). Everything goes through the
 * contract's migrate:* channels.
 */
import { useEffect, useState } from 'react';
import type { ConnectionTarget, FleetCohortInfo, MigrationPlanInfo, MigrationRehearsalInfo, RolloutSummaryInfo, RolloutTenantChoice } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY } from '../../../../core/provision/batch-concurrency';
import { invoke } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { formatMs } from '../../components/format';
import { FileField } from '../file-field';
import { RolloutProgress } from './rollout-progress';
import { RolloutReview } from './rollout-review';
import { useRollout } from './use-rollout';

export interface RolloutsPanelProps {
  target: ConnectionTarget;
  template: string;
  tenantCount: number;
  cohorts: FleetCohortInfo[];
  /** Tenants selected in the Tenants view's table. */
  selected: string[];
  /** A rollout run ended, or the image was refreshed: the census changed. */
  onChanged(): void;
}

type Who = 'all' | 'selected' | `cohort:${string}`;

function NumberField(props: { label: string; value: number; min: number; max: number; onChange(n: number): void }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input type="number" className="narrow-number" min={props.min} max={props.max} value={props.value} onChange={(e) => props.onChange(Math.min(props.max, Math.max(props.min, Math.round(Number(e.target.value) || props.min))))} />
    </label>
  );
}

function RehearsalBox({ rehearsal }: { rehearsal: MigrationRehearsalInfo }) {
  if (rehearsal.error) {
    return (
      <div className="error-box" role="status" aria-label="Dry run">
        Dry run on <span className="mono">{rehearsal.tenant}</span> failed after {formatMs(rehearsal.ms)} (rolled back): <span className="mono">{rehearsal.error.sqlstate ?? ''}</span> {rehearsal.error.message}
      </div>
    );
  }
  return (
    <div className="ok-box" role="status" aria-label="Dry run">
      Dry run on <span className="mono">{rehearsal.tenant}</span>: {formatMs(rehearsal.ms)}, rolled back; {rehearsal.lockTableEntries} lock table entries.
      {rehearsal.locks.length > 0 ? (
        <ul className="compact-list small-text mono">
          {rehearsal.locks.slice(0, 12).map((l) => (
            <li key={`${l.relation}/${l.mode}`}>
              {l.mode} on {l.relation}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function RolloutsPanel(props: RolloutsPanelProps) {
  const { target, template } = props;
  const [path, setPath] = useState('');
  const [plan, setPlan] = useState<MigrationPlanInfo>();
  const [decisions, setDecisions] = useState<Record<string, 'keep' | 'replace'>>({});
  const [who, setWho] = useState<Who>('all');
  const [order, setOrder] = useState('name');
  const [canary, setCanary] = useState(1);
  const [concurrency, setConcurrency] = useState(DEFAULT_BATCH_CONCURRENCY);
  const [lockTimeoutS, setLockTimeoutS] = useState(3);
  const [retries, setRetries] = useState(5);
  const [continueOnError, setContinueOnError] = useState(true);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<ErrorInfo>();
  const [rehearsal, setRehearsal] = useState<MigrationRehearsalInfo>();
  const [recent, setRecent] = useState<RolloutSummaryInfo[]>([]);
  const rollout = useRollout(target, props.onChanged);
  const running = rollout.view.running;

  useEffect(() => {
    void invoke('migrate:list', { target }).then((r) => setRecent(r.ok ? r.value.filter((x) => x.template === template) : []));
  }, [target, template, rollout.view.rolloutId, running]);
  // Another template: the plan was made against the old one.
  useEffect(() => {
    setPlan(undefined);
    setRehearsal(undefined);
    setDecisions({});
  }, [template]);
  useEffect(() => {
    if (who === 'selected' && props.selected.length === 0) setWho('all');
  }, [who, props.selected.length]);

  const source = () => ({ target, template, path: path.trim(), ...(Object.keys(decisions).length > 0 ? { decisions: Object.entries(decisions).map(([id, decision]) => ({ id, decision })) } : {}) });
  const choice = (): RolloutTenantChoice => (who === 'all' ? { all: true, order } : who === 'selected' ? { tenants: props.selected } : { cohort: who.slice('cohort:'.length), order });

  async function review(next = decisions) {
    setBusy('review');
    setError(undefined);
    setRehearsal(undefined);
    const r = await invoke('migrate:plan', { ...source(), ...(Object.keys(next).length > 0 ? { decisions: Object.entries(next).map(([id, decision]) => ({ id, decision })) } : {}) });
    setBusy(undefined);
    if (!r.ok) {
      setPlan(undefined);
      return setError(r.error);
    }
    setPlan(r.value);
  }

  async function dryRun() {
    setBusy('dry-run');
    setError(undefined);
    const r = await invoke('migrate:dry-run', { ...source(), ...choice(), lockTimeoutMs: lockTimeoutS * 1000 });
    setBusy(undefined);
    if (!r.ok) return setError(r.error);
    setRehearsal(r.value);
  }

  async function run(canaryOnly: boolean) {
    setError(undefined);
    setBusy(canaryOnly ? 'canary' : 'all');
    try {
      await rollout.start({ ...source(), ...choice(), canary, canaryOnly, concurrency, lockTimeoutMs: lockTimeoutS * 1000, retries, continueOnError });
    } finally {
      setBusy(undefined);
    }
  }

  const planOk = plan !== undefined && plan.refused.length === 0;
  const chosenCount = who === 'all' ? props.tenantCount : who === 'selected' ? props.selected.length : (props.cohorts.find((c) => `cohort:${c.id}` === who)?.size ?? 0);
  const canRun = planOk && !running && busy === undefined && chosenCount > 0;

  return (
    <div className="rollouts" aria-label="Rollouts">
      <div className="rollouts-grid">
        <section className="card" aria-label="Migration">
          <h2 className="flush">Roll out a migration to {template}</h2>
          <p className="small-text muted">SQL written against the template (or with the placeholder): one file, or a folder of versions (V12__add_tags.sql). The template is migrated first, then a canary, then the rest.</p>
          <div className="stack">
            <FileField label="Migration file or folder" purpose="migration" value={path} onChange={(v) => { setPath(v); setPlan(undefined); setDecisions({}); }} placeholder="Path on the server: a .sql file or a folder (~/ lists files)" />
            <div className="row">
              <button type="button" className="btn" disabled={!path.trim() || busy !== undefined} onClick={() => void review()}>
                {busy === 'review' ? 'Planning…' : 'Review'}
              </button>
              {recent.length > 0 ? (
                <label className="field grow">
                  <span>Earlier rollouts</span>
                  <select value="" onChange={(e) => e.target.value && void rollout.open(e.target.value)} disabled={running}>
                    <option value="">Open a recorded rollout…</option>
                    {recent.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.id} · v{r.versions.join(', ')} · {r.state} · {r.counts.failed} failed
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
            </div>
            <label className="field">
              <span>Tenants</span>
              <select aria-label="Tenants to migrate" value={who} onChange={(e) => setWho(e.target.value as Who)}>
                <option value="all">All tenants of {template} ({props.tenantCount.toLocaleString('en-US')})</option>
                {props.selected.length > 0 ? <option value="selected">Selected in the table ({props.selected.length.toLocaleString('en-US')})</option> : null}
                {props.cohorts
                  .filter((c) => c.status !== 'template' && c.size > 0)
                  .map((c) => (
                    <option key={c.id} value={`cohort:${c.id}`}>
                      Cohort {c.id.slice(0, 8)}: {c.name} ({c.size.toLocaleString('en-US')})
                    </option>
                  ))}
              </select>
            </label>
            <div className="row">
              <label className="field">
                <span>Order</span>
                <select value={order} onChange={(e) => setOrder(e.target.value)} disabled={who === 'selected'}>
                  <option value="name">by name</option>
                  <option value="created">oldest first</option>
                  <option value="size">smallest first</option>
                  <option value="size:desc">largest first</option>
                </select>
              </label>
              <NumberField label="Canary" value={canary} min={0} max={1000} onChange={setCanary} />
              <NumberField label="At a time" value={concurrency} min={1} max={MAX_BATCH_CONCURRENCY} onChange={setConcurrency} />
              <NumberField label="Lock timeout (s)" value={lockTimeoutS} min={1} max={600} onChange={setLockTimeoutS} />
              <NumberField label="Retries" value={retries} min={0} max={100} onChange={setRetries} />
            </div>
            <label className="row small-text">
              <input type="checkbox" checked={continueOnError} onChange={(e) => setContinueOnError(e.target.checked)} /> Continue after a failed tenant (the canary always stops)
            </label>
            <div className="row">
              <button type="button" className="btn" disabled={!canRun} onClick={() => void dryRun()}>
                {busy === 'dry-run' ? 'Dry run…' : 'Dry run'}
              </button>
              <button type="button" className="btn" disabled={!canRun || canary === 0} onClick={() => void run(true)}>
                Run canary
              </button>
              <button type="button" className="btn primary" disabled={!canRun} onClick={() => void run(false)}>
                Run all
              </button>
            </div>
            {!plan && path.trim() ? <p className="small-text muted flush">Review the migration before running it.</p> : null}
            {error ? <ErrorBox error={error} title="Rollout" /> : null}
            {rehearsal ? <RehearsalBox rehearsal={rehearsal} /> : null}
          </div>
        </section>
        {plan ? (
          <RolloutReview
            plan={plan}
            onDecide={(id, decision) => {
              const next = { ...decisions, [id]: decision };
              setDecisions(next);
              void review(next);
            }}
          />
        ) : (
          <section className="card empty" aria-label="Migration review">
            <p>Choose a migration and press Review: its SQL appears here with every reference to {template} highlighted.</p>
          </section>
        )}
      </div>
      <RolloutProgress target={target} rollout={rollout} onRefreshed={props.onChanged} />
    </div>
  );
}
