import type { Namespace } from 'socket.io';
import { AppConfig } from '@app/platform';
import { NotificationsLive } from './notifications-live.service';

const config = (fanout: 'memory' | 'redis') => Object.assign(new AppConfig(), { LIVE_FANOUT: fanout, QUEUE_PREFIX: 'xzunit' });

describe('NotificationsLive', () => {
  it('emits through the attached socket.io namespace to the user\'s room', () => {
    const emitted: unknown[][] = [];
    const namespace = { to: (room: string) => ({ emit: (...args: unknown[]) => emitted.push([room, ...args]) }) } as unknown as Namespace;
    const live = new NotificationsLive(config('redis'));
    live.attach(namespace);
    live.emitToUser('u1', 'unread', { unread: 3 });
    // with a server present it is used even when LIVE_FANOUT=redis: its adapter does the fan-out
    expect(emitted).toEqual([['user:u1', 'unread', { unread: 3 }]]);
  });

  it('without a server and without a fan-out it stores only: emitting is a no-op, not an error', () => {
    const live = new NotificationsLive(config('memory'));
    expect(() => live.emitToUser('u1', 'unread', { unread: 1 })).not.toThrow();
  });

  it('never lets a failing emit escape (the notification is already stored)', () => {
    const namespace = { to: () => ({ emit: () => { throw new Error('adapter down'); } }) } as unknown as Namespace;
    const live = new NotificationsLive(config('memory'));
    live.attach(namespace);
    expect(() => live.emitToUser('u1', 'unread', { unread: 1 })).not.toThrow();
  });
});
