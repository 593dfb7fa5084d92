/**
 * The real UDP socket adaptor (node:dgram, IPv4 or IPv6). Datagrams received on the socket
 * are enqueued as messages carrying the sender's address and port; messages arriving from
 * the graph are sent to the address and port they carry, or to a fixed peer (a tunnel).
 * Run its graph on a Scheduler with a RealClock and call `scheduler.start()`.
 */
import {
  Adaptor,
  attribute,
  defaultPool,
  type Conduit,
  type Message,
  type MessagePool,
  type Port,
} from '@conduits/core';
import { createSocket, type Socket } from 'node:dgram';

/** The remote socket address of a datagram (as text: "127.0.0.1", "::1"). */
export const socketAddress = attribute<string>('socket.address', 'stack');
export const socketPort = attribute<number>('socket.port', 'stack');

export interface DgramOptions {
  readonly type: 'udp4' | 'udp6';
  /** Local port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Local address. @default loopback of the family */
  readonly address?: string;
  /** Send everything here instead of to the message's socket attributes. */
  readonly peer?: { readonly address: string; readonly port: number };
  readonly pool?: MessagePool;
  /**
   * The socket's receive buffer, bytes (SO_RCVBUF; the kernel doubles it and caps the request
   * at net.core.rmem_max). The default (~200 KB) overflows, and drops datagrams, when a busy
   * process leaves thousands of packets a second waiting. @default the kernel's
   */
  readonly receiveBufferSize?: number;
  /** The socket's send buffer, bytes (SO_SNDBUF, capped at net.core.wmem_max). @default the kernel's */
  readonly sendBufferSize?: number;
}

export class DgramAdaptor extends Adaptor {
  #socket: Socket | null = null;
  readonly #pool: MessagePool;
  sent = 0;
  receivedCount = 0;
  sendErrors = 0;

  constructor(
    name: string,
    readonly options: DgramOptions,
  ) {
    super(name);
    this.#pool = options.pool ?? defaultPool;
  }

  clone(): Conduit {
    return new DgramAdaptor(this.name, this.options);
  }

  /** Bind the socket; resolves with the local port. */
  open(): Promise<number> {
    const o = this.options;
    const socket = createSocket({
      type: o.type,
      reuseAddr: false,
      ...(o.receiveBufferSize !== undefined ? { recvBufferSize: o.receiveBufferSize } : {}),
      ...(o.sendBufferSize !== undefined ? { sendBufferSize: o.sendBufferSize } : {}),
    });
    this.#socket = socket;
    socket.on('message', (data, rinfo) => {
      this.receivedCount++;
      const m = this.#pool.from(data);
      m.set(socketAddress, rinfo.address).set(socketPort, rinfo.port);
      this.inject(m);
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(
        this.options.port ?? 0,
        this.options.address ?? (this.options.type === 'udp6' ? '::1' : '127.0.0.1'),
        () => {
          socket.off('error', reject);
          socket.on('error', () => this.sendErrors++);
          resolve(socket.address().port);
        },
      );
    });
  }

  /** The socket's buffer sizes as the kernel set them (bytes), once open. */
  get bufferSizes(): { readonly receive: number; readonly send: number } | undefined {
    const s = this.#socket;
    return s === null ? undefined : { receive: s.getRecvBufferSize(), send: s.getSendBufferSize() };
  }

  close(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }

  deliver(msg: Message, _from: Port): void {
    const socket = this.#socket;
    const address = this.options.peer?.address ?? msg.get(socketAddress);
    const port = this.options.peer?.port ?? msg.get(socketPort);
    if (socket === null || address === undefined || port === undefined) {
      this.drop(msg, socket === null ? 'socket-closed' : 'socket-no-destination');
      return;
    }
    this.sent++;
    // dgram sends asynchronously from the given bytes: the carrier goes back to the pool when it is done.
    socket.send(msg.buffer.subarray(), port, address, (err) => {
      if (err) this.sendErrors++;
      msg.release();
    });
  }
}
