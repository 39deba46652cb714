import { createServer } from 'node:net';

// Ports already handed out by this process: the OS may offer a just-released port again, and two
// servers started together (broker and controller, PostgreSQL) must never get the same one.
const handedOut = new Set<number>();

function askTheOs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not obtain a free loopback port'));
      });
    });
  });
}

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it), never one given before. */
export async function freeLoopbackPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await askTheOs();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not obtain a loopback port not handed out before');
}
