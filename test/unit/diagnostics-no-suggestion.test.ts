/** The line the CLI prints when a diagnosis has no working settings: "no change of client settings alone" only where that is true. */
import { describe, expect, it } from 'vitest';
import { describeNoSuggestion } from '../../core/diagnostics/no-suggestion-note.js';
import type { VerdictCode } from '../../core/diagnostics/types.js';

const SERVER_SIDE = /No change of client settings alone can fix this/;

describe('describeNoSuggestion', () => {
  it.each<[VerdictCode, RegExp]>([
    ['SERVER_UNREACHABLE', /Check the host and port/],
    ['HOST_NOT_FOUND', /Check the host name/],
    ['NOT_POSTGRES', /Check the port/],
    ['AUTH_FAILED', /Check the user name and the password/],
    ['CLIENT_CERT_REQUIRED', /set sslcert and sslkey/],
    ['KEY_PERMISSIONS', /Fix the key file/],
    ['CONNECTION_FAILED', /No settings that would work were found/],
  ])('%s is fixed on the client: never "no change of client settings"', (code, expected) => {
    const note = describeNoSuggestion({ code, tenantryConnects: false });
    expect(note).toMatch(expected);
    expect(note).not.toMatch(SERVER_SIDE);
  });
  it.each<VerdictCode>(['CONNECTION_REJECTED', 'SSL_CERT_EXPIRED'])('%s needs the server changed, and says so', (code) => {
    expect(describeNoSuggestion({ code, tenantryConnects: false })).toMatch(SERVER_SIDE);
  });
  it('when Tenantry connects, it says so', () => {
    expect(describeNoSuggestion({ code: 'CONNECTION_REJECTED', tenantryConnects: true })).toMatch(/^Tenantry connects/);
  });
});
