import { useEffect, useState } from 'react';
import { ErrorBox } from '../components/error-box';
import { useAppState } from '../state/app-state';
import { HistoryCard } from './provision/history-card';
import { ManyTenantsCard } from './provision/many-tenants-card';
import { OneTenantCard } from './provision/one-tenant-card';
import { TargetCard } from './provision/target-card';
import { TenantsCard } from './provision/tenants-card';
import { useProvisionBatch } from './provision/use-provision-batch';
import { useProvisionLists } from './provision/use-provision-lists';
import { useProvisionTarget } from './provision/use-provision-target';
import { PublishPanel } from './publish-panel';
import { WarmPoolPanel } from './warm-pool-panel';
import { DEFAULT_BATCH_CONCURRENCY } from '../../../core/provision/batch-concurrency';

/** Provision: a snapshot and a target, one tenant or a batch, the warm pool, the results and the history. */
export function ProvisionView() {
  const { connections, connectionId, database, snapshot, setSnapshot, view, setProvisionTarget } = useAppState();
  const lists = useProvisionLists(view === 'provision');
  const target = useProvisionTarget(connectionId, database, view === 'provision');
  const [concurrency, setConcurrency] = useState(DEFAULT_BATCH_CONCURRENCY);
  const [continueOnError, setContinueOnError] = useState(true);
  const [verifyAfter, setVerifyAfter] = useState(true);
  const [poolReady, setPoolReady] = useState(0);
  const batch = useProvisionBatch(snapshot?.id, target.target, { concurrency, continueOnError, verify: verifyAfter, onSettled: lists.refresh });

  // Results belong to the database they were made in: a new target starts clean.
  const { clear } = batch;
  // clear is a new function each render; the target key is what matters.
  useEffect(() => clear(), [target.key]);
  // The sidebar names where Provision writes, whichever view is shown.
  useEffect(() => setProvisionTarget({ connectionId: target.targetId, database: target.targetDb }), [target.key, setProvisionTarget]);

  const busy = batch.job !== undefined || batch.claiming;
  return (
    <>
      <header className="view-header">
        <h1>Provision</h1>
        <span className="sub">Create tenant schemas from a snapshot — each one atomic, then verified.</span>
      </header>
      <div className="view-body">
        <TargetCard snapshots={lists.snapshots} snapshot={snapshot} onSnapshot={setSnapshot} connections={connections} target={target} />
        {snapshot && target.targetId ? <WarmPoolPanel snapshotId={snapshot.id} target={target.target} claims={batch.claims} onReady={setPoolReady} /> : null}
        {snapshot && target.targetId ? <PublishPanel snapshotId={snapshot.id} target={target.target} /> : null}
        <div className="grid2">
          <OneTenantCard canCreate={snapshot !== undefined && !busy} poolReady={snapshot ? poolReady : 0} target={target.targetId ? target.target : undefined} revision={lists.history} onCreate={(t) => void batch.createOne(t, poolReady)} />
          <ManyTenantsCard
            canCreate={snapshot !== undefined && batch.job === undefined}
            poolReady={snapshot ? poolReady : 0}
            protectedNames={lists.snapshots.map((s) => s.schema)}
            concurrency={concurrency}
            onConcurrency={setConcurrency}
            continueOnError={continueOnError}
            onContinueOnError={setContinueOnError}
            verifyAfter={verifyAfter}
            onVerifyAfter={setVerifyAfter}
            onCreate={(names) => void batch.provision(names)}
          />
        </div>
        {batch.error ? <ErrorBox error={batch.error} title="Provisioning stopped" /> : null}
        {batch.rows.length > 0 ? <TenantsCard batch={batch} /> : null}
        <HistoryCard history={lists.history} />
      </div>
    </>
  );
}
