import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import { sleep, within } from '../support/wait';
import { fixture, inbox, logged, lostAndBack, now, recorder, SLACK, trace } from './fixture';

const f = fixture();

/**
 * Retries under a constant backoff are paced by it: each starts no sooner than `delay` after the
 * one before. Load only stretches the gaps, so this holds on any machine, and a tight loop fails
 * it at once.
 */
const expectPaced = (retries: readonly number[], delay: number) => {
  for (let i = 1; i < retries.length; i++) {
    // 1 ms for timer rounding: Node may fire a timer up to 1 ms "early" by performance.now().
    expect((retries[i] as number) - (retries[i - 1] as number)).toBeGreaterThanOrEqual(delay - 1);
  }
};

describe('abrupt cut, no close frame (fault row 3)', () => {
  it.each(['fin', 'rst'] as const)(
    '%s cut → Disconnected(1006) → Reconnecting → Reconnected after the proxy accepts again',
    async (mode) => {
      const server = await f.server();
      const proxy = await f.proxy(server);
      const backoff = logged(new ConstantBackoff(50));
      const t = trace();
      const socket = f.socket(proxy.url, { backoff, WebSocket: t.WebSocket });
      const rec = recorder(socket);
      await rec.reach('connected', 2000);

      await proxy.refuse('rst');
      const cutAt = now();
      expect(proxy.cut(mode)).toBe(1);
      const dropped = await rec.reach('disconnected', SLACK);
      expect(dropped.at - cutAt).toBeLessThan(SLACK);

      // Refused meanwhile: the socket keeps trying (four retries, each reset by the proxy) at the
      // backoff's pace, not in a tight loop.
      await proxy.when(() => proxy.total >= 1 + 4, 4 * 50 + 2 * SLACK, 'four refused retries');
      expect(socket.connection.state.type).toBe('reconnecting');
      expectPaced(t.attempts().slice(1), 50);

      const allowedAt = now();
      await proxy.refuse('none');
      const back = await rec.reach('reconnected', 50 + 2 * SLACK);
      expect(back.at - allowedAt).toBeLessThan(50 + SLACK);
      expect(rec.labels()).toEqual(lostAndBack());
      expect(server.connections).toHaveLength(1);
      // Every attempt reached the proxy once: no attempt was made twice, none skipped.
      expect(proxy.total).toBe(t.transports.length);
    },
  );
});

// ---- server process killed (fault row 2) ----------------------------------------------------

const script = fileURLToPath(new URL('./fixtures/echo-server.mjs', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the echo server in a child process; resolves with its port once it listens. */
const spawnServer = async (port = 0): Promise<{ child: ChildProcess; port: number }> => {
  // Rebinding the port of a process just killed may take a few tries (bounded).
  for (let tries = 1; ; tries++) {
    const child = spawn(process.execPath, [script, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    const listening = new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      child.once('exit', (code) => reject(Object.assign(new Error(`exit ${code}`), { code })));
    });
    try {
      return { child, port: await within(listening, 10_000, 'the child server to listen') };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 98 || tries >= 20) throw error;
      await sleep(50);
    }
  }
};

describe('server process killed (fault row 2)', () => {
  it('SIGKILL → Disconnected(1006) → Reconnecting (refused meanwhile) → Reconnected on restart', async () => {
    const first = await spawnServer();
    const backoff = logged(new ConstantBackoff(100));
    const t = trace();
    const socket = f.socket<string, string>(`ws://127.0.0.1:${first.port}`, {
      backoff,
      WebSocket: t.WebSocket,
    });
    const rec = recorder(socket);
    const echoes = inbox(socket);
    await rec.reach('connected', 5000);
    socket.send('one');
    await echoes.when(() => echoes.values.includes('one'), 2000, 'the echo from the first process');

    const exited = once(first.child, 'exit');
    const killedAt = now();
    first.child.kill('SIGKILL');
    const dropped = await rec.reach('disconnected', SLACK);
    expect(dropped.at - killedAt).toBeLessThan(SLACK);
    await within(exited, 2000, 'the child to exit');

    // Down for a while: attempts are refused (three retries) and spaced by the backoff.
    await t.when(() => t.transports.length >= 1 + 3, 3 * 100 + 2 * SLACK, 'three refused retries');
    expect(socket.connection.state.type).toBe('reconnecting');
    expectPaced(t.attempts().slice(1), 100);

    const second = await spawnServer(first.port);
    const restartedAt = now();
    expect(second.port).toBe(first.port);
    const back = await rec.reach('reconnected', 100 + 2 * SLACK);
    expect(back.at - restartedAt).toBeLessThan(100 + SLACK);
    socket.send('two');
    await echoes.when(
      () => echoes.values.includes('two'),
      2000,
      'the echo from the restarted process',
    );
    expect(echoes.values).toEqual(['one', 'two']);
    expect(rec.labels()).toEqual(lostAndBack());
  });
});
