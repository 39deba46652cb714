// The fault suite's TCP proxy: it forwards, cuts every connection when stopped, and listens again
// on the same port when started.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTcpProxy } from '../src/infra/tcp-proxy.js';

/** An echo server on loopback. */
let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => {
    echo.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = echo.address();
  echoPort = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    echo.close(() => {
      resolve();
    });
  });
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString());
    });
    socket.write(text);
  });
}

describe('startTcpProxy', () => {
  it('forwards, cuts every connection on stop, refuses while stopped, and serves again on the same port', async () => {
    const proxy = await startTcpProxy({ targetPort: echoPort });
    const first = await open(proxy.port);
    expect(await roundTrip(first, 'ping')).toBe('ping');
    expect(proxy.connectionCount()).toBe(1);

    const closed = new Promise<void>((resolve) =>
      first.once('close', () => {
        resolve();
      }),
    );
    await proxy.stop();
    await closed;
    expect(proxy.isListening()).toBe(false);
    await expect(open(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.start();
    const second = await open(proxy.port);
    expect(await roundTrip(second, 'pong')).toBe('pong');
    second.destroy();
    await proxy.stop();
  });
});
