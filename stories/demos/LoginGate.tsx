import { useEffect, useState } from 'react';
import {
  useConnectionState,
  useLastMessage,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from 'web-socket-client/react';
import { type ChaosStats, useChaos } from '../support/chaos';
import { Panel, StateBadge } from '../support/ui';

const ROOM = '/login-gate';

/** Renders signed in or out alike: the hooks work whether or not a socket exists. */
function StatusBar() {
  const state = useConnectionState();
  const socket = useWebSocket();
  return (
    <p className="toolbar">
      <StateBadge state={state} />
      <output className="muted" aria-label="socket">
        {socket ? 'a socket' : 'no socket'}
      </output>
    </p>
  );
}

function Greeter({ user }: { user: string | null }) {
  const send = useSend();
  const last = useLastMessage();
  const [result, setResult] = useState('');
  return (
    <>
      <p className="toolbar">
        <button
          type="button"
          onClick={() => {
            // false while signed out: there is no socket, and nothing is queued for later.
            const accepted = send(`hello from ${user ?? 'nobody'}`);
            setResult(accepted ? 'sent' : 'not sent: signed out');
          }}
        >
          Say hello
        </button>
        <output aria-label="send result">{result}</output>
      </p>
      <p>
        Last message:{' '}
        <output aria-label="last message">{last === undefined ? '—' : String(last)}</output>
      </p>
    </>
  );
}

/** What the server counts for the room: the proof that a signed-out page holds no connection. */
function ServerCount() {
  const chaos = useChaos();
  const [stats, setStats] = useState<ChaosStats>();
  useEffect(() => {
    let live = true;
    const poll = () =>
      chaos.stats(ROOM).then(
        (next) => live && setStats(next),
        () => {},
      );
    poll();
    const timer = setInterval(poll, 200);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [chaos]);
  return (
    <>
      <p>
        <output className="stat" aria-label="open at the server">
          {stats?.open ?? '…'}
        </output>{' '}
        open connections in the room <code>{ROOM}</code>
      </p>
      <p className="muted">
        {chaos.mode === 'server'
          ? 'as the chaos server counts them (GET /stats)'
          : 'as the in-page mock server counts them'}
      </p>
    </>
  );
}

export function LoginGate() {
  const chaos = useChaos();
  const [user, setUser] = useState<string | null>(null);
  const signedIn = user !== null;
  return (
    <div className="row">
      {/* One provider for the whole app: `enabled` decides whether a socket exists at all. */}
      <WebSocketProvider
        url={chaos.url(ROOM)}
        options={{ WebSocket: chaos.WebSocket }}
        enabled={signedIn}
      >
        <Panel title="App">
          <p className="toolbar">
            <label className="toolbar">
              <input
                type="checkbox"
                role="switch"
                aria-checked={signedIn}
                checked={signedIn}
                onChange={(event) => setUser(event.target.checked ? 'Ada' : null)}
              />
              Signed in
            </label>
            {signedIn ? <span className="muted">as {user}</span> : null}
          </p>
          <StatusBar />
          {/* A new user is a new greeter: no send result left from before. */}
          <Greeter key={user ?? ''} user={user} />
        </Panel>
      </WebSocketProvider>
      <Panel title="Server">
        <ServerCount />
      </Panel>
    </div>
  );
}
