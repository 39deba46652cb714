import { connect, createServer, type Server, type Socket } from 'node:net';
import { freeLoopbackPort } from './free-port.js';

/**
 * A TCP proxy on loopback, for fault injection: every connection to `port` is piped to the
 * target. `stop()` closes the listening socket and destroys every connection (both sides), as a
 * network cut would; `start()` listens on the same port again.
 */
export interface TcpProxy {
  /** The loopback port clients connect to. */
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  isListening(): boolean;
  /** Connections open right now (client side). */
  connectionCount(): number;
  /** Listens again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Cuts every connection and stops listening. */
  stop(): Promise<void>;
}

export interface TcpProxyOptions {
  readonly targetPort: number;
  readonly targetHost?: string;
  /** The port to listen on (default: a free loopback port). */
  readonly port?: number;
  /** Listen at once (default true). */
  readonly listen?: boolean;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const port = options.port ?? (await freeLoopbackPort());
  const targetHost = options.targetHost ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let server: Server | undefined;

  function track(socket: Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  function onConnection(client: Socket): void {
    const upstream = connect({ host: targetHost, port: options.targetPort });
    track(client);
    track(upstream);
    clients.add(client);
    client.once('close', () => clients.delete(client));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // Either side failing or closing takes the other down with it, as one connection.
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async function start(): Promise<void> {
    if (server !== undefined) return;
    const listening = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        listening.off('error', reject);
        resolve();
      });
    });
    server = listening;
  }

  async function stop(): Promise<void> {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;
    const closed = new Promise<void>((resolve) => {
      closing.close(() => {
        resolve();
      });
    });
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  }

  if (options.listen ?? true) await start();
  return {
    port,
    address: `127.0.0.1:${port}`,
    isListening: () => server !== undefined,
    connectionCount: () => clients.size,
    start,
    stop,
  };
}
