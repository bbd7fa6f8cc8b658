/**
 * `tenantry snapshot` on a terminal: one status line saying what the snapshot is doing (pg_dump, the
 * catalog, finding references, Citus) and for how long, redrawn every second and cleared before the
 * report. Piped or redirected, nothing extra is written (createProgressLine draws on a terminal only).
 */
import type { SnapshotStage } from '../services/snapshot/dump-template.js';
import type { CliIo } from './command.js';
import { createProgressLine } from './progress-line.js';

export interface SnapshotProgress {
  stage(stage: SnapshotStage): void;
  /** Writes a stderr line (pg_dump's warnings) above the status line. */
  log(text: string): void;
  /** Clears the line (before the report or an error is printed). */
  done(): void;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The status line's text for a stage. */
export function describeSnapshotStage(stage: SnapshotStage, schema: string): string {
  switch (stage.stage) {
    case 'check':
      return `Checking schema ${schema}…`;
    case 'dump':
      return `Dumping ${schema} with pg_dump…`;
    case 'catalog':
      return `Reading the catalog (dump: ${megabytes(stage.bytes)})…`;
    case 'template':
      return `Finding references to ${schema} in ${megabytes(stage.bytes)}…`;
    case 'citus':
      return 'Checking what Citus accepts…';
  }
}

/** A status line for a snapshot of `schema`; on anything but a terminal it writes nothing. */
export function createSnapshotProgress(io: CliIo, schema: string): SnapshotProgress {
  if (io.stderrIsTerminal !== true) return { stage: () => undefined, log: (text) => io.stderr(text), done: () => undefined };
  const line = createProgressLine(io);
  const started = Date.now();
  let text = '';
  const draw = () => line.update(`${text} ${Math.floor((Date.now() - started) / 1000)} s`);
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    stage(stage) {
      text = describeSnapshotStage(stage, schema);
      draw();
    },
    log: (text) => line.log(text),
    done() {
      clearInterval(timer);
      line.done();
    },
  };
}
