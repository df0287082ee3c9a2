import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP relay in front of a server: `cut()` drops every connection and
 * refuses new ones while the server behind keeps its data (a network
 * partition); `heal()` lets connections through again. `stall()` keeps the
 * connections open but moves no byte (a black hole: nothing fails, nothing
 * answers); `resume()` lets the held bytes through.
 */
export interface Relay {
  port: number;
  cut(): void;
  heal(): void;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  let open = true;
  let stalled = false;
  const sockets = new Set<Socket>();
  // Bytes held while stalled, per destination socket, in order.
  const held = new Map<Socket, Buffer[]>();
  const forward = (from: Socket, to: Socket) =>
    from
      .on('data', (chunk: Buffer) => {
        if (stalled) held.set(to, [...(held.get(to) ?? []), chunk]);
        else to.write(chunk);
      })
      .resume();
  const server: Server = createServer((inbound) => {
    if (!open) {
      inbound.destroy();
      return;
    }
    const upstream = new Socket();
    sockets.add(inbound);
    sockets.add(upstream);
    const drop = () => {
      inbound.destroy();
      upstream.destroy();
      for (const s of [inbound, upstream]) {
        sockets.delete(s);
        held.delete(s);
      }
    };
    inbound.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    inbound.pause();
    upstream.connect(targetPort, '127.0.0.1', () => {
      forward(inbound, upstream);
      forward(upstream, inbound);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
      held.clear();
    },
    heal: () => {
      open = true;
    },
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const [to, chunks] of held) for (const c of chunks) to.write(c);
      held.clear();
    },
    close: async () => {
      open = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
