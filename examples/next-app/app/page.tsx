import { ConnectionStatus } from './connection-status';
import { EchoedMessages } from './echoed-messages';
import { SendBox } from './send-box';

export default function Page() {
  return (
    <main>
      <h1>Echo</h1>
      <ConnectionStatus />
      <SendBox />
      <EchoedMessages />
    </main>
  );
}
