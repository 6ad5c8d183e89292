/** A loopback TCP "radio" (firmware with a TCP console/bridge). */
import net from "node:net";
import type { PeerPipe } from "../pty.ts";

export interface TcpRadio {
  readonly port: number;
  /** Each accepted connection, as a peer pipe. */
  onConnection(cb: (pipe: PeerPipe, sock: net.Socket) => void): void;
  connections(): number;
  close(): Promise<void>;
}

export function tcpRadio(port = 0): Promise<TcpRadio> {
  const cbs: ((pipe: PeerPipe, sock: net.Socket) => void)[] = [];
  const socks = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((sock) => {
    count++;
    socks.add(sock);
    sock.on("close", () => socks.delete(sock));
    sock.on("error", () => {});
    const pipe: PeerPipe = {
      write: (b) => {
        if (!sock.destroyed) sock.write(b);
      },
      onData: (cb) => sock.on("data", (b) => cb(new Uint8Array(b))),
      close: async () => {
        sock.destroy();
      },
    };
    for (const cb of cbs) cb(pipe, sock);
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        onConnection: (cb) => cbs.push(cb),
        connections: () => count,
        close: () =>
          new Promise<void>((r) => {
            for (const s of socks) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
