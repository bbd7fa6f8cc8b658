/**
 * CI failure (ssl-own-ca): a wrong sslpassword was reported as "not a private key: DECODER routines::unsupported".
 * About once in 256 wrong passwords the decrypted key's padding looks valid and OpenSSL fails on the garbage instead
 * of saying "bad decrypt"; for an encrypted key file that is still a wrong password.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeKeyError } from '../../../electron/services/diagnostics/file-checks.js';

const ENCRYPTED = 'the key is encrypted and no (or a wrong) sslpassword is set';

function failure(key: string, passphrase: string | undefined): Error | undefined {
  try {
    createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

describe('describeKeyError', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key secret' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  it('names the password for a wrong password whose decryption OpenSSL does not call a bad decrypt', () => {
    let odd: Error | undefined;
    for (let i = 0; i < 20_000 && odd === undefined; i++) {
      const error = failure(privateKey, `wrong-${i}`);
      if (error && !/passphrase|decrypt/i.test(error.message)) odd = error;
    }
    expect(odd, 'no wrong password among 20,000 failed other than with "bad decrypt"').toBeDefined();
    expect(describeKeyError(privateKey, odd)).toBe(ENCRYPTED);
  });

  it('names the password for the usual bad decrypt and a missing password, and the parse error for a file that is no key', () => {
    expect(describeKeyError(privateKey, failure(privateKey, 'nope'))).toBe(ENCRYPTED);
    expect(describeKeyError(privateKey, failure(privateKey, undefined))).toBe(ENCRYPTED);
    const notKey = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    expect(describeKeyError(notKey, failure(notKey, undefined))).toMatch(/^not a private key: /);
  });
});
