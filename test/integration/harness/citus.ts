/** The Citus test cluster lives in support/ (the benchmark starts one too). */
export { citusSkipReason, startCitusCluster, type CitusCluster } from '../../../support/citus-cluster.js';
