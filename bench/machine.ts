/** The machine and server settings a benchmark ran on, for the report header. */
import { cpus, totalmem } from 'node:os';
import type pg from 'pg';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  server?: string;
  settings?: Record<string, string>;
}

const SETTINGS = [
  'max_connections',
  'max_locks_per_transaction',
  'shared_buffers',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'ssl',
  'autovacuum',
];

/** CPU, memory and Node of this machine, plus the server version and relevant settings when a client is given. */
export async function describeMachine(client?: pg.ClientBase | pg.Pool): Promise<MachineInfo> {
  const list = cpus();
  const info: MachineInfo = {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  if (client) {
    info.server = ((await client.query('SELECT version() AS v')).rows[0] as { v: string }).v;
    const { rows } = await client.query(`SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)`, [SETTINGS]);
    info.settings = Object.fromEntries((rows as { name: string; setting: string; unit: string | null }[]).map((r) => [r.name, r.unit && r.unit !== 'ms' && r.unit !== 's' ? `${r.setting} (×${r.unit})` : r.setting]));
  }
  return info;
}

/** The machine as Markdown lines. */
export function formatMachine(info: MachineInfo): string {
  const lines = [`- CPU: ${info.cpuModel}, ${info.cores} cores; ${info.memoryGb} GB RAM; ${info.platform}; Node ${info.node}`];
  if (info.server) lines.push(`- Server: ${info.server}`);
  if (info.settings) lines.push(`- Settings: ${Object.entries(info.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return lines.join('\n');
}
