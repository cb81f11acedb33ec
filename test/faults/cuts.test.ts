import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import { sleep, until, within } from '../support/wait';
import { fixture, logged, lostAndBack, now, recorder, SLACK, trace } from './fixture';

const f = fixture();

describe('abrupt cut, no close frame (fault row 3)', () => {
  it.each(['fin', 'rst'] as const)(
    '%s cut → Disconnected(1006) → Reconnecting → Reconnected after the proxy accepts again',
    async (mode) => {
      const server = await f.server();
      const proxy = await f.proxy(server);
      const backoff = logged(new ConstantBackoff(50));
      const socket = f.socket(proxy.url, { backoff });
      const rec = recorder(socket);
      await rec.reach('connected', 2000);

      await proxy.refuse('rst');
      const cutAt = now();
      expect(proxy.cut(mode)).toBe(1);
      const dropped = await rec.reach('disconnected', SLACK);
      expect(dropped.at - cutAt).toBeLessThan(SLACK);

      // Refused meanwhile: the socket keeps trying at the backoff's pace, not in a tight loop.
      await sleep(300);
      expect(socket.connection.state.type).toBe('reconnecting');
      const tries = proxy.total - 1;
      expect(tries).toBeGreaterThanOrEqual(2);
      expect(tries).toBeLessThanOrEqual(300 / 50 + 1);

      const allowedAt = now();
      await proxy.refuse('none');
      const back = await rec.reach('reconnected', 50 + 2 * SLACK);
      expect(back.at - allowedAt).toBeLessThan(50 + SLACK);
      expect(rec.labels()).toEqual(lostAndBack());
      expect(server.connections).toHaveLength(1);
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
    const echoes: string[] = [];
    socket.messages.subscribe((m) => echoes.push(String(m)));
    await rec.reach('connected', 5000);
    socket.send('one');
    await until(() => echoes.includes('one'), 2000, 'the echo from the first process');

    const exited = once(first.child, 'exit');
    const killedAt = now();
    first.child.kill('SIGKILL');
    const dropped = await rec.reach('disconnected', SLACK);
    expect(dropped.at - killedAt).toBeLessThan(SLACK);
    await within(exited, 2000, 'the child to exit');

    // Down for a while: attempts are refused and spaced by the backoff.
    await sleep(400);
    expect(socket.connection.state.type).toBe('reconnecting');
    const failedAttempts = t.transports.length - 1;
    expect(failedAttempts).toBeGreaterThanOrEqual(2);
    expect(failedAttempts).toBeLessThanOrEqual(400 / 100 + 2);

    const second = await spawnServer(first.port);
    const restartedAt = now();
    expect(second.port).toBe(first.port);
    const back = await rec.reach('reconnected', 100 + 2 * SLACK);
    expect(back.at - restartedAt).toBeLessThan(100 + SLACK);
    socket.send('two');
    await until(() => echoes.includes('two'), 2000, 'the echo from the restarted process');
    expect(echoes).toEqual(['one', 'two']);
    expect(rec.labels()).toEqual(lostAndBack());
  });
});
