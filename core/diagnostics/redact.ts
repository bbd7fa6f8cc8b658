/** Removing secrets from text that may be shown or logged. */

/** Replaces every occurrence of each secret (and its percent-encoded form) with "********". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join('********');
  }
  return result;
}
