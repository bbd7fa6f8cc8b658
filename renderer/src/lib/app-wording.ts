/**
 * Messages from core and the services are written for both the CLI and the
 * app, and some name a command-line flag ("Choose another with --placeholder").
 * The app shows them with the control that does the same instead: a GUI user
 * cannot pass a flag. Anything not in the table keeps its text, minus the flag.
 */
const REWORDINGS: [RegExp, string][] = [
  [/Choose another with --placeholder\./g, 'Choose another placeholder in the Placeholder field.'],
  [/review them and decide with --decisions/g, 'review them and tick or untick each one in the reference list'],
  [/\(stripped with --no-owner\)/g, '(stripped: No owner was ticked)'],
  [/\(--no-owner\)/g, '(No owner was ticked)'],
  [/\(made with --no-owner\)/g, '(made with No owner ticked)'],
  [/Make the snapshot with --no-owner/g, 'Dump again with No owner ticked'],
  [/make the snapshot with --no-owner --no-privileges/g, 'dump again with No owner and No privileges ticked'],
  [/Snapshot again with --carry-partitions/g, 'Dump again with the partitions carried'],
  [/ ?Add --yes to confirm\./g, ''],
  [/ \(pass --snapshot FILE to compare what it carried\)/g, ''],
  [/ ?Run again with [^.]*--yes[^.]*\./g, ''],
  // The app provisions distributed tenants on a Citus coordinator; keeping them local is the command line's.
  [/provision with --local to keep tenants on the coordinator/g, 'keep tenants on the coordinator (command line: tenantry provision --local)'],
];

/** The message as the app shows it: no command-line flags. */
export function wordForApp(message: string): string {
  let text = message;
  for (const [pattern, replacement] of REWORDINGS) text = text.replace(pattern, replacement);
  // A flag the table does not know: drop "with --flag" phrasing rather than tell the user to type it.
  return text.replace(/ \(?(?:with|pass|add|use) --[a-z][a-z-]*(?: [A-Z_]+)?\)?/g, '');
}
