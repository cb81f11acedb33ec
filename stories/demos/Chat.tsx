import { type FormEvent, useState } from 'react';
import { createWebSocketContext } from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { Panel, StateBadge } from '../support/ui';

// A typed context: strings in, strings out, so `useMessages` returns `readonly string[]`.
const Chat = createWebSocketContext<string, string>('ChatProvider');

const PREFIX = 'chat:';
const isChat = (message: string) => typeof message === 'string' && message.startsWith(PREFIX);

/** "chat:Ada:hello: world" → ["Ada", "hello: world"] */
const parse = (message: string): [string, string] => {
  const body = message.slice(PREFIX.length);
  const colon = body.indexOf(':');
  return [body.slice(0, colon), body.slice(colon + 1)];
};

function ChatClient({ name }: { name: string }) {
  const state = Chat.useConnectionState();
  const send = Chat.useSend();
  const messages = Chat.useMessages({ filter: isChat, limit: 50 });
  const [draft, setDraft] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    send(`${PREFIX}${name}:${draft}`);
    setDraft('');
  };
  return (
    <Panel title={name}>
      <p>
        <StateBadge state={state} label={`${name}'s connection`} />
      </p>
      <ul className="messages" aria-label={`${name}'s messages`}>
        {messages.map((message, i) => {
          const [from, text] = parse(message);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: firstIndex + i is the line's position, stable when `limit` evicts older ones
            <li key={messages.firstIndex + i}>
              <strong>{from === name ? 'me' : from}:</strong> {text}
            </li>
          );
        })}
      </ul>
      <form className="toolbar" onSubmit={submit}>
        <input
          aria-label={`${name}'s message`}
          value={draft}
          placeholder="Say something"
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit">Send</button>
      </form>
    </Panel>
  );
}

export function ChatDemo() {
  const chaos = useChaos();
  const url = chaos.url('/chat');
  const options = { WebSocket: chaos.WebSocket };
  return (
    <div className="row">
      <Chat.WebSocketProvider url={url} options={options}>
        <ChatClient name="Ada" />
      </Chat.WebSocketProvider>
      <Chat.WebSocketProvider url={url} options={options}>
        <ChatClient name="Linus" />
      </Chat.WebSocketProvider>
    </div>
  );
}
