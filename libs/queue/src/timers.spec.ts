import { setTimer } from './timers';

describe('setTimer', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('never calls fn before dueAt, even when the timeout fires while the wall clock is a millisecond behind', () => {
    jest.useFakeTimers({ now: 1_000 });
    const fakeNow = Date.now;
    // The wall clock reads 1 ms behind the timer clock, as it can with setTimeout's monotonic clock.
    jest.spyOn(Date, 'now').mockImplementation(() => fakeNow() - 1);
    const fn = jest.fn();
    setTimer(fn, 1_300);
    jest.advanceTimersByTime(300);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(2);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBeGreaterThanOrEqual(1_300);
  });

  it('waits past the 24.8-day setTimeout limit and can be cancelled', () => {
    jest.useFakeTimers({ now: 0 });
    const fn = jest.fn();
    const due = 40 * 24 * 3600 * 1000;
    setTimer(fn, due);
    jest.advanceTimersByTime(due - 1);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);

    const other = jest.fn();
    const cancel = setTimer(other, Date.now() + 1_000);
    cancel();
    jest.advanceTimersByTime(2_000);
    expect(other).not.toHaveBeenCalled();
  });
});
