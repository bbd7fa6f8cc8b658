import type { SshSettings } from '../../../core/connection/ssh-settings';
import { FileField } from './file-field';

/** The SSH tab's fields as the form holds them (text, as typed). */
export interface SshDraft {
  enabled: boolean;
  host: string;
  port: string;
  user: string;
  auth: 'key' | 'agent';
  keyFile: string;
  passphrase: string;
}

export const EMPTY_SSH: SshDraft = { enabled: false, host: '', port: '22', user: '', auth: 'key', keyFile: '', passphrase: '' };

/** The form's fields for saved settings (the passphrase is never sent back: it stays empty). */
export function toSshDraft(ssh: SshSettings | undefined): SshDraft {
  if (!ssh) return EMPTY_SSH;
  return { enabled: true, host: ssh.host, port: String(ssh.port ?? 22), user: ssh.user, auth: ssh.useAgent && !ssh.keyFile ? 'agent' : 'key', keyFile: ssh.keyFile ?? '', passphrase: '' };
}

/** The settings a request carries; undefined when the tunnel is off. The backend checks them (checkSshSettings). */
export function fromSshDraft(d: SshDraft): SshSettings | undefined {
  if (!d.enabled) return undefined;
  const settings: SshSettings = { host: d.host.trim(), user: d.user.trim() };
  const port = Number(d.port);
  if (d.port.trim() && Number.isInteger(port) && port > 0 && port < 65536) settings.port = port;
  if (d.auth === 'agent') settings.useAgent = true;
  else {
    if (d.keyFile.trim()) settings.keyFile = d.keyFile.trim();
    if (d.passphrase) settings.passphrase = d.passphrase;
  }
  return settings;
}

/** The SSH tab: a bastion to tunnel through, how to log in there, and what the General tab's host then means. */
export function SshTab(props: { value: SshDraft; onChange(patch: Partial<SshDraft>): void; passphraseStored: boolean }) {
  const { value: d, onChange } = props;
  return (
    <div className="stack" role="tabpanel" aria-label="SSH">
      <label className="row u-gap-8">
        <input type="checkbox" checked={d.enabled} onChange={(e) => onChange({ enabled: e.target.checked })} /> Connect through an SSH tunnel
      </label>
      <p className="muted u-m-0 u-fs-12">
        {d.enabled
          ? 'The host and port on the General tab are then the database as the bastion sees it (localhost when PostgreSQL runs on the bastion). The driver, pg_dump and psql all go through the tunnel.'
          : 'For a database reachable only through a bastion: Tenantry logs in there with SSH and forwards a local port to the database.'}
      </p>
      {d.enabled ? (
        <>
          <div className="grid3">
            <label className="field"><span>SSH host</span><input type="text" value={d.host} placeholder="bastion.example.com" onChange={(e) => onChange({ host: e.target.value })} /></label>
            <label className="field"><span>SSH port</span><input type="text" inputMode="numeric" value={d.port} onChange={(e) => onChange({ port: e.target.value })} /></label>
            <label className="field"><span>SSH user</span><input type="text" value={d.user} onChange={(e) => onChange({ user: e.target.value })} /></label>
          </div>
          <fieldset className="row u-border-0 u-p-0 u-m-0 u-gap-16">
            <legend className="muted u-fs-12 u-p-0 u-mb-4">Log in with</legend>
            <label className="row u-gap-6">
              <input type="radio" name="ssh-auth" checked={d.auth === 'key'} onChange={() => onChange({ auth: 'key' })} /> A private key file
            </label>
            <label className="row u-gap-6">
              <input type="radio" name="ssh-auth" checked={d.auth === 'agent'} onChange={() => onChange({ auth: 'agent' })} /> The SSH agent (SSH_AUTH_SOCK)
            </label>
          </fieldset>
          {d.auth === 'key' ? (
            <div className="stack">
              <FileField label="SSH private key" purpose="ssh-key" value={d.keyFile} placeholder="~/.ssh/id_ed25519 (not the .pub file)" onChange={(v) => onChange({ keyFile: v })} />
              <label className="field u-maxw-420">
                <span>Key passphrase</span>
                <input type="password" value={d.passphrase} placeholder={props.passphraseStored ? 'Stored (type to replace)' : 'Only if the key has one'} onChange={(e) => onChange({ passphrase: e.target.value })} />
              </label>
            </div>
          ) : null}
          <p className="muted u-m-0 u-fs-12">
            The bastion's host key is checked on every connection: the first time, you confirm its fingerprint; a key that changes later is refused.
          </p>
        </>
      ) : null}
    </div>
  );
}
