import { io, Socket } from 'socket.io-client';

export interface Received {
  event: string;
  payload: any;
}

/** A socket.io client on /live that records every server event and sends events with acks. */
export class LiveTestClient {
  readonly events: Received[] = [];
  private constructor(readonly socket: Socket) {
    socket.onAny((event, payload) => this.events.push({ event, payload }));
  }

  static connect(url: string, auth: Record<string, unknown>): Promise<LiveTestClient> {
    const socket = io(`${url}/live`, { auth, reconnection: false, forceNew: true, transports: ['websocket'] });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new LiveTestClient(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** Emits with an ack callback and resolves with the ack (rejects if none comes within the timeout). */
  request(event: string, ...args: unknown[]): Promise<any> {
    return this.socket.timeout(5000).emitWithAck(event, ...args);
  }

  of(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload);
  }

  async waitFor(predicate: (e: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(predicate);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs}ms; got ${JSON.stringify(this.events).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  waitForEvent(event: string, match: (payload: any) => boolean = () => true, timeoutMs?: number): Promise<any> {
    return this.waitFor((e) => e.event === event && match(e.payload), timeoutMs).then((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}

/** The handshake refusal as the client sees it (`connect_error`). */
export async function liveRefusal(url: string, auth: Record<string, unknown>): Promise<{ message: string; data?: { code: string; message: string } }> {
  try {
    const client = await LiveTestClient.connect(url, auth);
    client.close();
  } catch (err) {
    return err as { message: string; data?: { code: string; message: string } };
  }
  throw new Error('the handshake was accepted');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
