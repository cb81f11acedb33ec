import type { ReactNode } from 'react';
import { WebSocketProvider } from 'web-socket-client/react';

export const metadata = { title: 'web-socket-client on Next.js' };

// Read on the server. A Server Component can pass only serializable props to the provider (a
// Client Component): the URL and plain options, no functions or class instances.
const url = process.env.ECHO_URL ?? 'wss://echo.websocket.org';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <WebSocketProvider url={url}>{children}</WebSocketProvider>
      </body>
    </html>
  );
}
