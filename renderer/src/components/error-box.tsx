import { useState } from 'react';
import type { ErrorInfo } from '../../../core/errors';
import { wordForApp } from '../lib/app-wording';

/** A service error: its message, its code, and the details on demand. */
export function ErrorBox({ error, title }: { error: ErrorInfo; title?: string }) {
  const [copied, setCopied] = useState(false);
  const details = `${error.code}: ${error.userMessage}${error.detail ? `\n\n${error.detail}` : ''}`;
  return (
    <div className="error-box" role="alert">
      <div>
        {title ? <strong>{title}: </strong> : null}
        <span>{wordForApp(error.userMessage)}</span>
        <span className="code mono">{error.code}</span>
      </div>
      <details>
        <summary>Details</summary>
        {error.detail ? <pre>{error.detail}</pre> : <p className="muted">No further details.</p>}
        <button
          type="button"
          className="btn small"
          onClick={() => {
            void navigator.clipboard?.writeText(details).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy details'}
        </button>
      </details>
    </div>
  );
}
