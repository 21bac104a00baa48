import { io } from 'socket.io-client';
import { createTestApp } from '../utils/create-app';
it('close with a connected client', async () => {
  const t = await createTestApp();
  const token = await t.login('teacher.jianzhou');
  const s = io(`${t.url}/notifications`, { auth: { token }, reconnection: false });
  await new Promise((r) => s.once('connect', r));
  const reason = new Promise((r) => s.once('disconnect', r));
  const started = Date.now();
  await t.close();
  console.log('closed in', Date.now() - started, 'reason', await reason);
  s.close();
});
