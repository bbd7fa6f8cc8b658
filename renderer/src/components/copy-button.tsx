import { useState } from 'react';

/** A button that copies text to the clipboard and then says "Copied". */
export function CopyButton({ label, text }: { label: string; text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="btn small" onClick={() => void navigator.clipboard?.writeText(text).then(() => setDone(true))}>
      {done ? 'Copied' : label}
    </button>
  );
}
