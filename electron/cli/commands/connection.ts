/** `tenantry connection`: shows the connection settings Tenantry resolves, as libpq would read them (never the password). */
import { formatConnectionUri, formatKeyValue } from '../../../core/connection/connection-string.js';
import { formatServiceEntry } from '../../../core/connection/service-file.js';
import { describeSslPolicy } from '../../../core/connection/ssl-policy.js';
import { formatCopyableSettings } from '../../../core/diagnostics/copyable-settings.js';
import { describeCitus, type CitusFacts } from '../../../core/citus/citus-facts.js';
import { openClient } from '../../services/connection/open-connection.js';
import { readServerVersion } from '../../services/catalog/server-version.js';
import { detectCitus } from '../../services/citus/detect-citus.js';
import { UsageError, type CliCommand } from '../command.js';
import { parseOptions, resolveCliProfile, stringOption } from './parse-options.js';
import { SSH_OPTIONS, SSH_USAGE, readSshOptions, tunnelCliProfile } from './ssh-options.js';

const FORMATS = ['uri', 'keyvalue', 'env', 'service', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const connectionCommand: CliCommand = {
  name: 'connection',
  summary: 'Show the resolved connection settings (URI, key=value, env, service)',
  usage: [
    'Usage: tenantry connection [--url URL] [--format uri|keyvalue|env|service|json] [--libpq N] [--server [--ssh USER@HOST …]]',
    '',
    'Resolves the connection settings the way libpq does (URL, then the service',
    'file, then PG* variables, then defaults; the password from ~/.pgpass) and',
    'prints them without the password, with what the sslmode checks.',
    '',
    '  --url URL      libpq URI or key=value string',
    '  --format F     uri (default), keyvalue, env (shell exports that also switch',
    '                 off ~/.postgresql defaults), service (a pg_service.conf entry), json',
    '  --libpq N      libpq major version the env format is for (default 16)',
    '  --server       also connect and show the server: its version and Citus',
    '                 (extension version, coordinator or worker, workers, whether',
    '                 citus.enable_schema_based_sharding is on)',
    '  With --server the server can be reached through an SSH tunnel; the settings',
    '  shown stay the ones given (host and port as the bastion sees them):',
    SSH_USAGE,
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { url: { type: 'string' }, format: { type: 'string' }, libpq: { type: 'string' }, server: { type: 'boolean' }, ...SSH_OPTIONS });
    const format = (stringOption(values, 'format') ?? 'uri') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
    const libpqMajor = Number(stringOption(values, 'libpq') ?? 16);
    if (!Number.isInteger(libpqMajor) || libpqMajor < 9) throw new UsageError('--libpq needs a major version such as 15.');
    if (values.server !== true && readSshOptions(values, io.env)) throw new UsageError('--ssh is used to reach the server: give it with --server.');
    const profile = await resolveCliProfile(stringOption(values, 'url'), io);
    // The tunnel is opened for --server only; the settings printed stay the ones given.
    const server = values.server === true ? await readServer(await tunnelCliProfile(profile, values, io)) : undefined;
    const hasPassword = profile.password !== undefined;
    delete profile.password;
    delete profile.sslpassword;
    const policy = describeSslPolicy(profile);
    switch (format) {
      case 'uri':
        io.stdout(`${formatConnectionUri(profile)}\n`);
        break;
      case 'keyvalue':
        io.stdout(`${formatKeyValue(profile)}\n`);
        break;
      case 'env':
        io.stdout(`${formatCopyableSettings(profile, { libpqMajor }).envText}\n`);
        break;
      case 'service':
        io.stdout(formatServiceEntry('tenantry', profile));
        break;
      case 'json':
        io.stdout(JSON.stringify({ profile, hasPassword, ssl: policy, ...(server ? { server } : {}) }, null, 2) + '\n');
        return 0;
    }
    io.stderr(`${policy.explanation}${hasPassword ? ' A password is set (not shown).' : ' No password is set.'}\n`);
    if (server) io.stdout(`Server: PostgreSQL ${server.version}\n${describeCitus(server.citus)}\n`);
    return 0;
  },
};

/** Connects once and reads the server version and its Citus facts. */
async function readServer(profile: Parameters<typeof openClient>[0]): Promise<{ version: string; citus: CitusFacts }> {
  const client = await openClient(profile);
  try {
    const version = await readServerVersion(client);
    return { version: version.text, citus: await detectCitus(client) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
