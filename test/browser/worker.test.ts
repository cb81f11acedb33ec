/**
 * The core in a dedicated Web Worker in real Chromium, with the worker's own WebSocket, against
 * the chaos server: the README names workers, so a test runs it in one.
 */
import { expect, inject, test } from 'vitest';

test('connects, echoes, reconnects with its queue after a dropped link, and closes, in a worker', async () => {
  const worker = new Worker(new URL('./worker-socket.ts', import.meta.url), { type: 'module' });
  const steps: { step: string; [key: string]: unknown }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    worker.onmessage = (event) => {
      steps.push(event.data);
      if (event.data.step === 'done') resolve();
      if (event.data.step === 'error') reject(new Error(event.data.message));
    };
    worker.onerror = (event) => reject(new Error(event.message));
  });
  worker.postMessage({
    url: `${inject('chaosUrl')}/worker-${Math.random().toString(36).slice(2)}`,
  });
  try {
    await done;
  } finally {
    worker.terminate();
  }
  expect(steps.map((s) => s.step)).toEqual(['echo', 'queued', 'done']);
  expect(steps[1]?.accepted).toBe(true);
  expect(steps[2]?.window).toBe('undefined');
  expect(steps[2]?.states).toEqual([
    'connecting',
    'connected',
    'disconnected',
    'reconnecting',
    'reconnected',
    'disconnecting',
    'disconnected',
  ]);
}, 20_000);
