import { useState } from 'preact/hooks';
import { api, ApiError, tokenStore } from '../api';

/** Asks for the admin token, checks it against the API, and keeps it for this tab only (sessionStorage). */
export function TokenPrompt({ onSignedIn, reason }: { onSignedIn: () => void; reason?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    tokenStore.set(token.trim());
    try {
      await api('/plugins');
      onSignedIn();
    } catch (err) {
      tokenStore.clear();
      setError(err instanceof ApiError ? `${err.status}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card token" onSubmit={submit} data-testid="token-form">
      <h2>Sign in</h2>
      <p class="muted">Enter an admin token (its SHA-256 is in <code>admin.tokenSha256</code>) or a JWT carrying <code>admin.scope</code>. It is kept in this tab only.</p>
      <input type="password" autocomplete="off" placeholder="admin token" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} data-testid="token-input" />
      <button type="submit" disabled={busy || token.trim() === ''} data-testid="token-submit">
        Open
      </button>
      {error && (
        <p class="error" data-testid="token-error">
          {error}
        </p>
      )}
    </form>
  );
}
