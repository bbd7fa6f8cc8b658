/**
 * A URI without ?sslmode= left the SSL tab's select on its first option,
 * "disable", while the text under it (and the connection) used prefer.
 */
import { describe, expect, it } from 'vitest';
import { SSL_MODE_CHOICES, SSL_MODES } from '../../../renderer/src/lib/ssl-modes.js';

describe('SSL_MODE_CHOICES', () => {
  it('has an option for "not set" that says prefer applies', () => {
    const unset = SSL_MODE_CHOICES.find((c) => c.value === '');
    expect(unset?.label).toContain('prefer');
    expect(unset?.explanation).toContain('Try TLS first');
    expect(SSL_MODE_CHOICES[0]?.value).toBe('');
  });

  it('offers every sslmode once, each with its own explanation', () => {
    const values = SSL_MODE_CHOICES.map((c) => c.value);
    expect(new Set(values).size).toBe(values.length);
    for (const m of SSL_MODES) expect(SSL_MODE_CHOICES.find((c) => c.value === m.mode)?.explanation).toBe(m.explanation);
  });
});
