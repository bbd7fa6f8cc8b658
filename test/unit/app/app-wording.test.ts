/** GUI messages never tell the user to pass a CLI flag (issue 16): the app words them with its own controls. */
import { describe, expect, it } from 'vitest';
import { wordForApp } from '../../../renderer/src/lib/app-wording.js';

describe('wordForApp', () => {
  it.each([
    ['The placeholder t already occurs in the dump (line 3), so it could not be told apart from a replaced name. Choose another with --placeholder.', 'Choose another placeholder in the Placeholder field.'],
    ['2 kept, 2 by default, because …: review them and decide with --decisions', 'tick or untick each one in the reference list'],
    ['Make the snapshot with --no-owner (tenant objects then belong to the role that provisions them), or ask an administrator', 'Dump again with No owner ticked'],
  ])('%s', (message, expected) => {
    const text = wordForApp(message);
    expect(text).toContain(expected);
    expect(text).not.toMatch(/--[a-z]/);
  });

  it('drops an unknown flag phrase and keeps the rest', () => {
    expect(wordForApp('Something went wrong. Try again with --frobnicate.')).toBe('Something went wrong. Try again.');
  });

  it('leaves plain messages alone', () => {
    expect(wordForApp('Password authentication failed for role app_ro.')).toBe('Password authentication failed for role app_ro.');
  });
});
