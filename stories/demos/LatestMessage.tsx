import { useState } from 'react';
import {
  useConnectionState,
  useLastMessage,
  useMessages,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { Panel, StateBadge } from '../support/ui';

function Sender() {
  const state = useConnectionState();
  const send = useSend();
  const [sent, setSent] = useState(0);
  return (
    <p className="toolbar">
      <StateBadge state={state} />
      <button
        type="button"
        onClick={() => {
          // The chaos server echoes it back.
          send(`message ${sent + 1}`);
          setSent(sent + 1);
        }}
      >
        Send message {sent + 1}
      </button>
    </p>
  );
}

/** The last three, numbered by their position in everything this component received. */
function Log() {
  const messages = useMessages({ limit: 3 });
  return (
    <ol className="messages" aria-label="log">
      {messages.map((message, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: firstIndex + i stays with its message when `limit` evicts older ones
        <li key={messages.firstIndex + i}>
          #{messages.firstIndex + i + 1} {String(message)}
        </li>
      ))}
    </ol>
  );
}

/** Mounted late: `useLastMessage` has the latest at once; `useMessages` starts empty. */
function LatePanel() {
  const last = useLastMessage();
  const since = useMessages();
  return (
    <>
      <p>
        <code>useLastMessage()</code>:{' '}
        <output aria-label="last message">{last === undefined ? '—' : String(last)}</output>
      </p>
      <p>
        <code>useMessages()</code>, since this mounted:{' '}
        <output aria-label="messages since mount">{since.length}</output>
      </p>
    </>
  );
}

export function LatestMessage() {
  const chaos = useChaos();
  const [late, setLate] = useState(false);
  return (
    <WebSocketProvider url={chaos.url('/latest')} options={{ WebSocket: chaos.WebSocket }}>
      <div className="row">
        <Panel title="Messages">
          <Sender />
          <Log />
        </Panel>
        <Panel title="A component mounted later">
          <label className="toolbar">
            <input
              type="checkbox"
              role="switch"
              aria-checked={late}
              checked={late}
              onChange={(event) => setLate(event.target.checked)}
            />
            Mounted
          </label>
          {late ? <LatePanel /> : <p className="muted">not mounted</p>}
        </Panel>
      </div>
    </WebSocketProvider>
  );
}
