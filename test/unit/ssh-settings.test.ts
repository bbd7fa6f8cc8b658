/** SSH settings: the --ssh address, the host-key name, and settings refused before anything connects. */
import { describe, expect, it } from 'vitest';
import { checkSshSettings, parseSshTarget, sshHostKeyName } from '../../core/connection/ssh-settings.js';

describe('parseSshTarget', () => {
  it.each([
    ['deploy@bastion.example.com', { user: 'deploy', host: 'bastion.example.com' }],
    ['deploy@bastion.example.com:2222', { user: 'deploy', host: 'bastion.example.com', port: 2222 }],
    ['root@[::1]:22', { user: 'root', host: '::1', port: 22 }],
  ])('%s', (text, expected) => {
    expect(parseSshTarget(text)).toEqual(expected);
  });
  it.each(['bastion.example.com', 'a@b:0', 'a@b:70000', '@host', 'a@'])('refuses %s', (text) => {
    expect(() => parseSshTarget(text)).toThrow(/SSH address|not a port number/);
  });
});

describe('SSH settings', () => {
  it('names hosts as OpenSSH does: the bare host on 22, [host]:port otherwise', () => {
    expect(sshHostKeyName({ host: 'b.example' })).toBe('b.example');
    expect(sshHostKeyName({ host: 'b.example', port: 2222 })).toBe('[b.example]:2222');
  });
  it('needs a key file or the agent', () => {
    expect(() => checkSshSettings({ host: 'b', user: 'u' })).toThrow(/choose a private key file, or use the SSH agent/);
    expect(() => checkSshSettings({ host: 'b', user: 'u', useAgent: true })).not.toThrow();
    expect(() => checkSshSettings({ host: ' ', user: 'u', keyFile: '/k' })).toThrow(/SSH host is empty/);
  });
});
