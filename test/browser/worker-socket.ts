/**
 * Runs in a dedicated Web Worker: the core with the worker's own WebSocket (no window, no
 * document). It connects to the URL it is sent, echoes "hello", survives a dropped link with a
 * message queued across it, closes, and posts each step back to the page.
 */
import { ConstantBackoff, isOpen, WebSocket } from 'web-socket-client';

const post = (step: string, data: Record<string, unknown> = {}) =>
  (self as unknown as { postMessage(m: unknown): void }).postMessage({ step, ...data });

self.onmessage = async (event: MessageEvent<{ url: string }>) => {
  const socket = new WebSocket(event.data.url, { backoff: new ConstantBackoff(50) });
  const states: string[] = [];
  socket.connection.subscribe((s) => states.push(s.type));
  const next = (text: string) =>
    new Promise<void>((resolve) => {
      const stop = socket.messages.subscribe((m) => {
        if (m === text) {
          stop();
          resolve();
        }
      });
    });
  try {
    await socket.connection.firstWhere(isOpen);
    const echo = next('hello');
    socket.send('hello');
    await echo;
    post('echo');
    const lost = socket.connection.firstWhere((s) => s.type === 'reconnecting');
    socket.send('__drop'); // this client only: the server kills it without a close frame
    await lost;
    const queued = next('queued');
    post('queued', { accepted: socket.send('queued') });
    await socket.connection.firstWhere((s) => s.type === 'reconnected');
    await queued;
    socket.close(1000, 'done');
    await socket.connection.firstWhere((s) => s.type === 'disconnected');
    post('done', { states, window: typeof (self as { window?: unknown }).window });
  } catch (error) {
    post('error', { message: String(error) });
  }
};
