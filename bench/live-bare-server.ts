/**
 * The baseline of the live-room benchmark (bench/live.bench.ts): a bare socket.io 4.8 server (the version the api
 * uses) that does the same broadcast as our /live gateway and nothing else: no auth, no validation, no storage,
 * no presence. Started by live.bench.ts as a child process; it prints `{"port": n}` on its IPC channel when it
 * listens. Run alone for manual tries:
 *
 *   npx ts-node --transpile-only bench/live-bare-server.ts   (listens on BENCH_BARE_PORT, default 0 = any)
 *
 * Events (the gateway's names and payload shapes, live.protocol.ts):
 *   session:join {sessionId}                      -> joins room `session:{id}`, ack {ok: true}
 *   chat:send {sessionId, clientMsgId, text}      -> ack {ok: true, id}, then `chat:message` to the whole room
 *                                                    (the sender included, as the gateway does)
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

type Ack = (res: unknown) => void;

const http = createServer();
// Default server options (as the Nest adapter leaves them, apart from what the gateway sets itself).
const io = new Server(http, { serveClient: false });
const live = io.of('/live');

live.on('connection', (socket) => {
  socket.on('session:join', (body: { sessionId?: string }, ack?: Ack) => {
    const room = `session:${body?.sessionId}`;
    void socket.join(room);
    ack?.({ ok: true });
  });
  socket.on('session:leave', (body: { sessionId?: string }, ack?: Ack) => {
    void socket.leave(`session:${body?.sessionId}`);
    ack?.({ ok: true });
  });
  // The payload has the gateway's ChatMessageEvent shape (similar size on the wire).
  socket.on('chat:send', (body: { sessionId: string; clientMsgId: string; text: string }, ack?: Ack) => {
    const id = randomUUID();
    ack?.({ ok: true, id });
    live.to(`session:${body.sessionId}`).emit('chat:message', {
      id,
      sessionId: body.sessionId,
      userId: socket.id,
      name: '压测教师',
      school: '剑州中学',
      text: body.text,
      sentAt: new Date().toISOString(),
      clientMsgId: body.clientMsgId,
    });
  });
});

http.listen(Number(process.env.BENCH_BARE_PORT ?? 0), '127.0.0.1', () => {
  const port = (http.address() as { port: number }).port;
  if (process.send) process.send({ port });
  else console.log(`bare socket.io server on http://127.0.0.1:${port}/live`);
});

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') {
    io.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
