import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ChatDemo } from './demos/Chat';
import source from './demos/Chat.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Chat',
  component: ChatDemo,
  parameters: {
    ...demoDocs(
      source,
      'Two clients side by side, each under its own provider (two sockets). `useSend` sends `chat:NAME:TEXT`; the server broadcasts it to every client in the room; `useMessages({ filter })` shows the chat lines.',
    ),
    // Nothing to set: the story is typed into; its panel is Interactions.
    controls: { disable: true },
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
