/**
 * A scripted MQTT 3.1.1 broker for unit tests of the link: it records every
 * CONNECT and PUBLISH, and lets the test hold PUBACKs, stop answering pings
 * (a half-open link), refuse logins, or drop connections. Integration tests
 * use real mosquitto instead.
 */
import { createServer, type Server, type Socket } from "node:net";
import mqttPacket, { type IConnectPacket, type IPublishPacket, type Packet } from "mqtt-packet";

export interface SeenPublish {
  readonly conn: number;
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  readonly qos: number;
}

interface Held {
  readonly socket: Socket;
  readonly messageId: number;
}

export class FakeBroker {
  readonly connects: IConnectPacket[] = [];
  readonly publishes: SeenPublish[] = [];
  readonly disconnects: number[] = [];
  autoAck = true;
  answerPings = true;
  /** CONNACK return code for a CONNECT (0 accepts). */
  authenticate: (c: IConnectPacket) => number = () => 0;
  private held: Held[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  async listen(): Promise<void> {
    const server = createServer((s) => this.onSocket(s));
    this.server = server;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const a = server.address();
    this.port = typeof a === "object" && a ? a.port : 0;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get heldCount(): number {
    return this.held.filter((h) => !h.socket.destroyed).length;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** PUBACK everything held so far. */
  release(): void {
    const h = this.held;
    this.held = [];
    for (const { socket, messageId } of h) {
      if (!socket.destroyed) socket.write(mqttPacket.generate({ cmd: "puback", messageId }));
    }
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private onSocket(socket: Socket): void {
    this.sockets.add(socket);
    const conn = this.connects.length;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let id = conn;
    parser.on("packet", (p: Packet) => {
      if (p.cmd === "connect") {
        id = this.connects.length;
        this.connects.push(p);
        const returnCode = this.authenticate(p);
        socket.write(mqttPacket.generate({ cmd: "connack", returnCode, sessionPresent: false }));
        if (returnCode !== 0) socket.end();
      } else if (p.cmd === "publish") {
        const pub = p as IPublishPacket;
        this.publishes.push({
          conn: id,
          topic: pub.topic,
          payload: Buffer.from(pub.payload).toString("utf8"),
          retain: pub.retain,
          qos: pub.qos,
        });
        if (pub.qos === 1 && pub.messageId !== undefined) {
          if (this.autoAck)
            socket.write(mqttPacket.generate({ cmd: "puback", messageId: pub.messageId }));
          else this.held.push({ socket, messageId: pub.messageId });
        }
      } else if (p.cmd === "pingreq") {
        if (this.answerPings) socket.write(mqttPacket.generate({ cmd: "pingresp" }));
      } else if (p.cmd === "disconnect") {
        this.disconnects.push(id);
      }
    });
    socket.on("data", (d) => parser.parse(d));
    socket.on("error", () => {});
    socket.on("close", () => this.sockets.delete(socket));
  }
}
