import type { Meta, StoryObj } from '@storybook/react-vite';
import { type FormEvent, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createWebSocketContext } from 'web-socket-client/react';
import { useChaos } from './support/chaos';
import { Panel, StateBadge } from './support/ui';

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
            // biome-ignore lint/suspicious/noArrayIndexKey: an append-only list
            <li key={i}>
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

function ChatDemo() {
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

const meta = {
  title: 'Demos/Chat',
  component: ChatDemo,
  parameters: {
    docs: {
      description: {
        component:
          'Two clients side by side, each under its own provider (two sockets). `useSend` sends `chat:NAME:TEXT`; the server broadcasts it to every client in the room; `useMessages({ filter })` shows the chat lines.',
      },
    },
  },
} satisfies Meta<typeof ChatDemo>;

export default meta;
type Story = StoryObj<typeof meta>;

export const TwoClients: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    await step('both clients connect', async () => {
      for (const name of ['Ada', 'Linus']) {
        await waitFor(
          () =>
            expect(canvas.getByLabelText(`${name}'s connection`)).toHaveTextContent(/^connected$/),
          { timeout: 5000 },
        );
      }
    });
    const ada = canvas.getByRole('list', { name: "Ada's messages" });
    const linus = canvas.getByRole('list', { name: "Linus's messages" });
    await step('Ada writes; both see it', async () => {
      await userEvent.type(canvas.getByLabelText("Ada's message"), 'Hello Linus{enter}');
      await waitFor(() => expect(linus).toHaveTextContent('Ada: Hello Linus'), { timeout: 5000 });
      await waitFor(() => expect(ada).toHaveTextContent('me: Hello Linus'));
    });
    await step('Linus answers; both see it, in order', async () => {
      await userEvent.type(canvas.getByLabelText("Linus's message"), 'Hi Ada: welcome{enter}');
      await waitFor(() => expect(ada).toHaveTextContent('Linus: Hi Ada: welcome'), {
        timeout: 5000,
      });
      await waitFor(() => expect(linus.querySelectorAll('li')).toHaveLength(2));
      await expect([...linus.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
        'Ada: Hello Linus',
        'me: Hi Ada: welcome',
      ]);
      await expect(canvas.getByLabelText("Ada's message")).toHaveValue('');
    });
  },
};
