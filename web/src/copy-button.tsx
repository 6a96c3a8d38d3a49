import { useState } from 'react';

/** Copies `text` to the clipboard; says whether it worked. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('copied');
    } catch {
      setSaid('copy failed: select the text instead');
    }
  };
  return (
    <>
      <button type="button" className="small" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span className="muted" role="status">
        {said}
      </span>
    </>
  );
}
