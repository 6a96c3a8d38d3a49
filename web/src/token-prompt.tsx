import { useState, type FormEvent } from 'react';
import { saveToken } from './api/token';

/** The server has GOOSE_FLOW_TOKEN set: ask for it once; it is kept for this tab only. */
export function TokenPrompt({ onSaved }: { onSaved: () => void }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    saveToken(token.trim());
    onSaved();
  };
  return (
    <section className="notice">
      <h1>This server needs its token</h1>
      <p>
        It was started with <code>GOOSE_FLOW_TOKEN</code>. Enter that value; it is kept in this tab
        only and sent as a bearer token.
      </p>
      <form onSubmit={submit} className="row">
        <label htmlFor="token">Token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <button type="submit">Use token</button>
      </form>
    </section>
  );
}
