import type { Preview } from '@storybook/react-vite';
import { type Chaos, ChaosContext, resolveChaos } from '../stories/support/chaos';
import { ServerBanner } from '../stories/support/ui';
import '../stories/support/demo.css';

const preview: Preview = {
  // Decides once per page whether the stories talk to the real chaos server (`npm start`, the
  // Vitest run) or to the in-page mock (a static build with no server behind it).
  loaders: [async () => ({ chaos: await resolveChaos() })],
  decorators: [
    (Story, { loaded, parameters }) => (
      <ChaosContext.Provider value={loaded.chaos as Chaos}>
        <div className="demo">
          {parameters.chaos === false ? null : <ServerBanner />}
          <Story />
        </div>
      </ChaosContext.Provider>
    ),
  ],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    // No story fires actions: the panel would only ever say so.
    actions: { disable: true },
    options: {
      storySort: {
        order: [
          'Introduction',
          'Demos',
          [
            'Connection status',
            'Connection banner',
            'Login gate',
            'Chat',
            'Latest message',
            'Resilience lab',
            'Backoff strategies',
            'Message burst',
            'Message stream',
          ],
          'Docs',
          ['WebSocketProvider', 'The enabled prop', 'Hooks', 'createWebSocketContext'],
        ],
      },
    },
  },
};

export default preview;
