import type { Socket } from 'socket.io-client';
import { accessToken, api } from './api';

/** A socket's handshake auth: the current access token, read again at every (re)connect. */
export const tokenAuth = (cb: (data: object) => void): void => cb({ token: accessToken() ?? '' });

/** Whether a refused handshake was refused for its token (lapsed or invalid), which a refresh cures. */
export const isTokenRefusal = (err: Error & { data?: { code?: string } }): boolean =>
  err.data?.code === 'AUTH_TOKEN_INVALID' || err.data?.code === 'AUTH_TOKEN_EXPIRED';

/**
 * Keeps a socket signed in across access-token expiry: when the server refuses the handshake for its token, ends
 * the connection (`session_expired`, or a server-side disconnect), one authorised request refreshes the token and
 * the socket connects again. Nothing happens once `active()` is false (the page is gone, the room ended);
 * `onSignedOut` runs when the refresh fails (the app then returns to sign-in).
 */
export function reconnectOnTokenExpiry(socket: Socket, { active, onSignedOut }: { active: () => boolean; onSignedOut?: () => void }): void {
  let refreshing = false;
  const refreshAndConnect = async () => {
    if (refreshing || !active()) return;
    refreshing = true;
    try {
      await api('me'); // the api client refreshes the access token on a 401
      if (active()) socket.connect();
    } catch {
      onSignedOut?.();
    } finally {
      refreshing = false;
    }
  };
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') void refreshAndConnect();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (isTokenRefusal(err)) void refreshAndConnect();
  });
  socket.on('session_expired', () => void refreshAndConnect());
}
