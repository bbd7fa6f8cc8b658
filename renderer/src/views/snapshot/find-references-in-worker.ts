import ReferencesWorker from '../../workers/references.worker?worker';
import type { ReferencesRequest, ReferencesResponse } from '../../workers/references-protocol';

let worker: Worker | undefined;
let nextRequest = 1;

/** Runs the reference finder in the worker (one for the app); resolves with its answer. */
export function findReferencesInWorker(req: Omit<ReferencesRequest, 'id'>): Promise<ReferencesResponse> {
  worker ??= new ReferencesWorker();
  const id = nextRequest++;
  const w = worker;
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<ReferencesResponse>) => {
      if (e.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      resolve(e.data);
    };
    w.addEventListener('message', onMessage);
    w.postMessage({ ...req, id });
  });
}
