// The dashboard: sign in with a Kubernetes bearer token (unless the operator runs with
// --ui-insecure-local), then the overview, one Sync, and events, all kept live by the stream.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { WhoAmI } from '../../src/server/dashboard/types.ts';
import { ApiError, getJson, setToken } from './api.ts';
import { useRoute } from './router.ts';
import { createStore, useStore, type Store } from './store.ts';
import { EventsView } from './views/events.tsx';
import { Overview } from './views/overview.tsx';
import { SyncView } from './views/sync.tsx';
import './styles.css';

const THEME_KEY = 'moor.theme';

function ThemeToggle() {
  const [theme, setTheme] = useState(() => localStorage.getItem(THEME_KEY) ?? 'auto');
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  const next = theme === 'auto' ? 'dark' : theme === 'dark' ? 'light' : 'auto';
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      aria-label={`Theme: ${theme}; switch to ${next}`}
    >
      Theme: {theme}
    </button>
  );
}

function Login(props: { readonly error: string; readonly onToken: (t: string) => void }) {
  const [value, set] = useState('');
  return (
    <main class="login" aria-labelledby="h-login">
      <h1 id="h-login">Sign in to Moor</h1>
      <p>
        Paste a Kubernetes bearer token (e.g. from <code>kubectl create token NAME</code>). What you
        may see and do is what its RBAC allows.
      </p>
      {props.error ? <p role="alert">{props.error}</p> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onToken(value.trim());
        }}
      >
        <label>
          Token{' '}
          <input
            id="token"
            type="password"
            autoComplete="off"
            value={value}
            onInput={(e) => set(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function Shell(props: {
  readonly store: Store;
  readonly me: WhoAmI;
  readonly onSignOut: () => void;
}) {
  const snap = useStore(props.store);
  const route = useRoute();
  const key = route.view === 'sync' ? `${route.namespace}/${route.name}` : '';
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header>
        <strong class="brand">⚓ Moor</strong>
        <nav aria-label="Views">
          <a href="#/" aria-current={route.view === 'overview' ? 'page' : undefined}>
            Overview
          </a>
          <a href="#/events" aria-current={route.view === 'events' ? 'page' : undefined}>
            Events
          </a>
        </nav>
        <span class={`live ${snap.connected ? 'on' : 'off'}`} role="status" aria-live="polite">
          {snap.connected ? 'live' : 'reconnecting…'}
        </span>
        <span class="me">
          {props.me.user}
          {props.me.insecureLocal ? ' (read-only)' : ''}
        </span>
        <ThemeToggle />
        {props.me.insecureLocal ? null : (
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        )}
      </header>
      {snap.denied ? (
        <p role="alert" class="denied">
          {snap.denied}
        </p>
      ) : null}
      {props.me.standby ? (
        <p role="status" class="standby">
          This operator is a standby: it shows everything, and writes are refused here (use the
          leading operator&apos;s dashboard).
        </p>
      ) : null}
      <div id="content">
        {route.view === 'overview' ? <Overview snap={snap} params={route.params} /> : null}
        {route.view === 'events' ? <EventsView live={snap.events} /> : null}
        {route.view === 'sync' ? (
          <SyncView
            namespace={route.namespace}
            name={route.name}
            params={route.params}
            version={snap.touched.get(key) ?? 0}
          />
        ) : null}
      </div>
    </>
  );
}

function App() {
  const [me, setMe] = useState<WhoAmI | undefined>();
  const [error, setError] = useState('');
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    getJson<WhoAmI>('/whoami').then(setMe, (e: Error) => {
      setMe(undefined);
      setError(
        e instanceof ApiError && e.status === 401
          ? attempt > 0
            ? 'That token was refused.'
            : ''
          : e.message,
      );
    });
  }, [attempt]);
  const store = useMemo(() => (me ? createStore() : undefined), [me]);
  useEffect(() => {
    if (!store) return;
    const ctl = new AbortController();
    store.start(ctl.signal).catch((e: Error) => setError(e.message));
    return () => ctl.abort();
  }, [store]);
  if (!me || !store)
    return (
      <Login
        error={error}
        onToken={(t) => {
          setToken(t);
          setAttempt((a) => a + 1);
        }}
      />
    );
  return (
    <Shell
      store={store}
      me={me}
      onSignOut={() => {
        setToken(null);
        setMe(undefined);
      }}
    />
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
