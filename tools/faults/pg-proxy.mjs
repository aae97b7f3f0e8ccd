// A TCP proxy between the engine and PostgreSQL that the fault suite controls:
// cut() drops every connection and refuses new ones (PostgreSQL "unreachable"),
// refuseNew() refuses new connections but leaves open ones alone (a server
// going down closes those itself), restore() lets them through again. The shared PostgreSQL itself is never touched.
import { connect, createServer } from 'node:net';

export async function startPgProxy({ port, target }) {
  let down = false;
  const sockets = new Set();
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    refuseNew() {
      down = true;
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
