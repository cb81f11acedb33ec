import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WS from 'ws';
import { type ChaosServer, startChaosServer } from '../../scripts/chaos-server.mjs';
import { Changes, within } from '../support/wait';

const servers: ChaosServer[] = [];
const squatters: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close().catch(() => {})));
  for (const squatter of squatters.splice(0)) squatter.close();
});

/** A chaos server on loopback whose log lines and restart failures are collected. */
const start = async () => {
  const errors: Error[] = [];
  const lines: string[] = [];
  const changes = new Changes();
  const server = await startChaosServer({
    log: (line) => {
      lines.push(line);
      changes.notify();
    },
    onError: (error) => {
      errors.push(error);
      changes.notify();
    },
  });
  servers.push(server);
  const when = (condition: () => boolean, what: string) => changes.when(condition, 2000, what);
  return { server, errors, lines, when };
};

/** Opens a client and asks the server to restart, down for `ms`; resolves with the close code. */
const restart = async (url: string, ms: number): Promise<number> => {
  const client = new WS(url);
  client.on('error', () => {});
  await within(once(client, 'open'), 2000, 'the client to open');
  const closed = within(once(client, 'close'), 2000, 'the restart close');
  client.send(`__restart:${ms}`);
  const [code] = (await closed) as [number];
  return code;
};

describe('chaos server restart', () => {
  it('listens again on the same port after the downtime', async () => {
    const { server, errors, lines, when } = await start();
    expect(await restart(server.url, 200)).toBe(1012);
    await when(() => lines.includes('restart: listening again'), 'the server to listen again');
    const client = new WS(server.url);
    await within(once(client, 'open'), 2000, 'a client to open after the restart');
    client.terminate();
    expect(errors).toEqual([]);
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('a port taken during the downtime is a loud failure: onError at once, and close() rejects', async () => {
    const { server, errors, lines, when } = await start();
    expect(await restart(server.url, 300)).toBe(1012);
    // Another process takes the port while the server is down.
    const squatter = createServer((socket) => socket.destroy());
    squatters.push(squatter);
    squatter.listen(server.port, '127.0.0.1');
    await once(squatter, 'listening');

    await when(() => errors.length > 0, 'the restart failure to be reported');
    expect(errors).toHaveLength(1);
    const [error] = errors as [Error];
    expect(error.message).toContain(`could not listen again on 127.0.0.1:${server.port}`);
    expect(error.message).toContain('EADDRINUSE');
    expect(error.cause).toMatchObject({ code: 'EADDRINUSE' });
    expect(server.failure).toBe(error);
    expect(lines).not.toContain('restart: listening again');
    await expect(server.close()).rejects.toBe(error);
  });
});
