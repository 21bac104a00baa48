import { Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { AppConfig } from '@app/platform';
import { LiveRooms, sessionRoom } from './live-rooms';

const config = (fanout: 'memory' | 'redis') => Object.assign(new AppConfig(), { LIVE_FANOUT: fanout, QUEUE_PREFIX: 'xzunit' });

function fakeNamespace() {
  const calls: unknown[][] = [];
  const namespace = {
    to: (room: string) => ({ emit: (...args: unknown[]) => calls.push(['emit', room, ...args]) }),
    in: (room: string) => ({ socketsLeave: (left: string) => calls.push(['leave', room, left]) }),
  } as unknown as Namespace;
  return { namespace, calls };
}

describe('LiveRooms', () => {
  it('emits to the session room through the attached namespace', () => {
    const { namespace, calls } = fakeNamespace();
    const rooms = new LiveRooms(config('redis'));
    rooms.attach(namespace);
    rooms.emitToSession('s1', 'agenda:update', { currentAgendaIndex: 1 });
    expect(calls).toEqual([['emit', 'session:s1', 'agenda:update', { currentAgendaIndex: 1 }]]);
    expect(sessionRoom('s1')).toBe('session:s1');
  });

  it('empties the room after session:ended, so nobody keeps chatting into a closed session', () => {
    const { namespace, calls } = fakeNamespace();
    const rooms = new LiveRooms(config('memory'));
    rooms.attach(namespace);
    rooms.emitToSession('s2', 'session:ended', { sessionId: 's2', reason: 'ended' });
    expect(calls).toEqual([
      ['emit', 'session:s2', 'session:ended', { sessionId: 's2', reason: 'ended' }],
      ['leave', 'session:s2', 'session:s2'],
    ]);
  });

  it('without a server and without a fan-out it warns once and drops, never throws', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const rooms = new LiveRooms(config('memory'));
    expect(() => rooms.emitToSession('s3', 'session:ended', {})).not.toThrow();
    expect(() => rooms.emitToSession('s3', 'session:ended', {})).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('never lets a failing emit escape to the caller (the session change is already stored)', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const namespace = { to: () => ({ emit: () => { throw new Error('adapter down'); } }) } as unknown as Namespace;
    const rooms = new LiveRooms(config('memory'));
    rooms.attach(namespace);
    expect(() => rooms.emitToSession('s4', 'session:ended', {})).not.toThrow();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
