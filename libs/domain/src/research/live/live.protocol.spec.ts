import { EventEmitter } from 'node:events';
import { DomainException } from '@app/platform';
import { ackFromError, LiveSocket, onLiveEvent, payloadObject, requiredInt, requiredString, requireJoined, requireModerator } from './live.protocol';

/** Just enough of a socket: `on` to bind, `emit` recorded, `data.joined`. */
function fakeSocket() {
  const inbound = new EventEmitter();
  const emitted: unknown[][] = [];
  const socket = {
    on: (event: string, fn: (...args: unknown[]) => void) => inbound.on(event, fn),
    emit: (...args: unknown[]) => emitted.push(args),
    data: { joined: new Map([['s1', { canModerate: false, hostOrganizationId: 'o1' }], ['s2', { canModerate: true, hostOrganizationId: 'o1' }]]) },
  } as unknown as LiveSocket;
  return { socket, emitted, send: (event: string, ...args: unknown[]) => inbound.emit(event, ...args) };
}
const logger = { error: jest.fn() };
const flush = () => new Promise((r) => setImmediate(r));

describe('onLiveEvent', () => {
  beforeEach(() => logger.error.mockReset());

  it('acks the handler result as { ok: true, ...result }, sync or async', async () => {
    const { socket, send } = fakeSocket();
    onLiveEvent(socket, 'sync', logger, (p) => ({ echo: p }));
    onLiveEvent(socket, 'async', logger, async () => ({ id: 'm1' }));
    onLiveEvent(socket, 'void', logger, () => undefined);
    const acks: unknown[] = [];
    send('sync', { a: 1 }, (ack: unknown) => acks.push(ack));
    send('async', {}, (ack: unknown) => acks.push(ack));
    send('void', {}, (ack: unknown) => acks.push(ack));
    await flush();
    expect(acks).toEqual([{ ok: true, echo: { a: 1 } }, { ok: true }, { ok: true, id: 'm1' }]);
  });

  it('turns DomainExceptions into coded acks and anything else into INTERNAL_ERROR plus a log line', async () => {
    const { socket, send } = fakeSocket();
    onLiveEvent(socket, 'domain', logger, async () => {
      throw new DomainException('LIVE_ROOM_FULL');
    });
    onLiveEvent(socket, 'bug', logger, () => {
      throw new TypeError('undefined is not a function');
    });
    const acks: unknown[] = [];
    send('domain', {}, (ack: unknown) => acks.push(ack));
    send('bug', {}, (ack: unknown) => acks.push(ack));
    await flush();
    expect(acks).toEqual([
      { ok: false, error: { code: 'INTERNAL_ERROR', message: expect.any(String) } },
      { ok: false, error: { code: 'LIVE_ROOM_FULL', message: '直播间人数已满' } },
    ]);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('refuses a call without an ack with an `error` event and does not run the handler', () => {
    const { socket, send, emitted } = fakeSocket();
    const handler = jest.fn();
    onLiveEvent(socket, 'chat:send', logger, handler);
    send('chat:send', { text: 'x' });
    expect(handler).not.toHaveBeenCalled();
    expect(emitted).toEqual([['error', { event: 'chat:send', code: 'LIVE_ACK_REQUIRED', message: expect.any(String) }]]);
  });

  it('passes an undefined payload when only the ack was sent', async () => {
    const { socket, send } = fakeSocket();
    onLiveEvent(socket, 'e', logger, (p) => payloadObject(p));
    const acks: any[] = [];
    send('e', (ack: unknown) => acks.push(ack));
    await flush();
    expect(acks[0].error.code).toBe('LIVE_EVENT_INVALID');
  });
});

describe('payload and membership checks', () => {
  it('validates shapes with LIVE_EVENT_INVALID', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as DomainException).code;
      }
      return 'none';
    };
    expect(code(() => payloadObject('x'))).toBe('LIVE_EVENT_INVALID');
    expect(code(() => payloadObject(null))).toBe('LIVE_EVENT_INVALID');
    expect(code(() => payloadObject([1]))).toBe('LIVE_EVENT_INVALID');
    expect(code(() => requiredString({ a: '' }, 'a', 5))).toBe('LIVE_EVENT_INVALID');
    expect(code(() => requiredString({ a: '123456' }, 'a', 5))).toBe('LIVE_EVENT_INVALID');
    expect(requiredString({ a: '12345' }, 'a', 5)).toBe('12345');
    expect(code(() => requiredInt({ i: 1.5 }, 'i'))).toBe('LIVE_EVENT_INVALID');
    expect(requiredInt({ i: -1 }, 'i')).toBe(-1);
  });

  it('requireJoined / requireModerator read the join decision cached on the socket', () => {
    const { socket } = fakeSocket();
    expect(requireJoined(socket, 's1')).toEqual({ canModerate: false, hostOrganizationId: 'o1' });
    expect(() => requireJoined(socket, 'nope')).toThrow(expect.objectContaining({ code: 'LIVE_NOT_JOINED' }));
    expect(() => requireModerator(socket, 's1')).toThrow(expect.objectContaining({ code: 'LIVE_MODERATOR_ONLY' }));
    expect(requireModerator(socket, 's2').canModerate).toBe(true);
  });

  it('ackFromError keeps a DomainException message', () => {
    expect(ackFromError(new DomainException('LIVE_MESSAGE_TOO_LONG', '消息内容过长（最多 10 字）'), logger)).toEqual({
      ok: false,
      error: { code: 'LIVE_MESSAGE_TOO_LONG', message: '消息内容过长（最多 10 字）' },
    });
  });
});
