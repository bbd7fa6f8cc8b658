/**
 * Where a benchmark's throwaway cluster keeps its data: in memory (tmpfs, /dev/shm) when the machine has one with
 * room, else on the disk. BENCH_TMPFS=0 keeps it on the disk.
 *
 * Why (session 14): on this machine's root file system (ext4 without a journal) the kernel's CPU time for creating a
 * file depends on how many files anything on the machine deleted in the last 5-35 seconds (ext4 then passes over
 * recently freed inodes one by one, reading each from the inode table). The same transaction creating 300 tables took
 * 210-2,380 ms of kernel time in one backend, depending on what had been deleted before it (a rolled-back warm-up, a
 * test cluster removed by another process); on tmpfs it took 50-130 ms. Benchmarks that create relations compare
 * methods that create the same files, so that kernel time is the same work for each and only noise in the ratios; on
 * tmpfs it is gone, and what is left of each method's time is more its own (a method's extra work is a larger part
 * of a smaller total: the ratios get no easier). The price: fsync costs nothing in memory, so the wall-clock figures
 * no longer include a commit's wait for the disk.
 */
import { statfsSync } from 'node:fs';

const TMPFS_MAGIC = 0x01021994;
const SHM = '/dev/shm';

export interface BenchDataDir {
  /** For startCluster's parentDir; undefined: the system's temporary directory. */
  parentDir?: string;
  /** For the report. */
  description: string;
}

/** Where to put a cluster that needs about `neededGb` GB, as the environment says (BENCH_TMPFS). */
export function chooseBenchDataDir(env: NodeJS.ProcessEnv, neededGb: number): BenchDataDir {
  const disk = (why: string): BenchDataDir => ({ description: `cluster data on the disk (${why})` });
  if (env.BENCH_TMPFS === '0') return disk('BENCH_TMPFS=0');
  let free: number;
  try {
    const fs = statfsSync(SHM);
    if (fs.type !== TMPFS_MAGIC) return disk(`${SHM} is not a tmpfs`);
    free = (fs.bavail * fs.bsize) / 2 ** 30;
  } catch {
    return disk(`no ${SHM}`);
  }
  if (free < neededGb * 1.5) return disk(`${SHM} has ${free.toFixed(1)} GB free, ${neededGb} GB needed`);
  return {
    parentDir: SHM,
    description: `cluster data in memory (tmpfs ${SHM}; BENCH_TMPFS=0 puts it on the disk): the kernel's time for creating files on this machine's disk swings several-fold with what was deleted in the last seconds (bench/data-dir.ts), and fsync costs nothing here`,
  };
}
