import { EventEmitter } from 'node:events';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/** AuthenticationSASLContinue: message 'R' whose int32 auth code is 11 (PostgreSQL protocol, "Message Formats"). */
const SASL_CONTINUE = 11;

/**
 * A TCP proxy in front of PostgreSQL that holds the server's SASLContinue (the middle of the SCRAM handshake)
 * and emits `held`, so a test can cancel the client exactly while it is logging in. Whatever the client sends
 * next releases what was held and the proxy passes everything on from then.
 */
export class SaslPausingProxy extends EventEmitter {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    super();
  }

  static async start(target: { host: string; port: number }): Promise<SaslPausingProxy> {
    // Half-open like a real server link: a client that sends Terminate and ends its side still reads the reply.
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new SaslPausingProxy(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => proxy.relay(client, connect({ port: target.port, host: target.host, allowHalfOpen: true })));
    return proxy;
  }

  private relay(client: Socket, upstream: Socket): void {
    let pending = Buffer.alloc(0); // server bytes not yet parsed into whole messages
    let held: Buffer[] | undefined;
    let passThrough = false;
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      if (held) client.write(Buffer.concat(held));
      held = undefined;
      client.end();
    });

    upstream.on('data', (chunk: Buffer) => {
      if (passThrough) return void client.write(chunk);
      if (held) return void held.push(chunk);
      pending = Buffer.concat([pending, chunk]);
      // Backend messages: 1 type byte, int32 length (counting itself), body.
      while (pending.length >= 5) {
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const message = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        if (message[0] === 0x52 && length >= 8 && message.readInt32BE(5) === SASL_CONTINUE) {
          held = [message, pending];
          this.emit('held');
          return;
        }
        client.write(message);
      }
    });
    client.on('data', (chunk: Buffer) => {
      if (held) {
        // The client spoke while the handshake was held (e.g. Terminate on cancel): release and step aside.
        upstream.write(chunk, () => {
          const release = Buffer.concat(held ?? []);
          held = undefined;
          passThrough = true;
          client.write(release);
        });
        return;
      }
      upstream.write(chunk);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
