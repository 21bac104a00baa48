import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { App, Badge, Button } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import type { Socket } from 'socket.io-client';
import { api } from '../api';
import { reconnectOnTokenExpiry, tokenAuth } from '../socket-auth';

interface LiveNotifications {
  /** The user's unread notifications, kept current by the server's `unread` events (reads in other tabs too). */
  unread: number;
  /** How many arrived since the page loaded: lists of notifications reload when it changes. */
  received: number;
  /** Whether the live connection is up (events sent while it is down show on the next list load). */
  connected: boolean;
}

const LiveNotificationsContext = createContext<LiveNotifications>({ unread: 0, received: 0, connected: false });

interface NotificationEvent {
  id: string;
  title: string;
  body: string | null;
}

/**
 * Holds the signed-in user's connection to the api's /notifications namespace: a new notification (an invitation,
 * a review outcome, a reminder) shows as a toast and in the header's badge without a reload. socket.io-client loads
 * after the page is up (a chunk of its own), so slow links get the console first. The handshake carries the access
 * token; when it lapses, one authorised request refreshes it and the socket connects again.
 */
export function LiveNotificationsProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [unread, setUnread] = useState(0);
  const [received, setReceived] = useState(0);
  const [connected, setConnected] = useState(false);
  // Through a ref: the socket lives as long as the signed-in user, whatever re-renders the toast API.
  const toast = useRef(App.useApp().notification);

  useEffect(() => {
    let disposed = false;
    let socket: Socket | null = null;
    api<{ unread: number }>('notifications', { query: { limit: 1 } })
      .then((page) => !disposed && setUnread(page.unread))
      .catch(() => undefined); // the badge stays at 0 until the next event; the page itself reports api errors
    void import('socket.io-client').then(({ io }) => {
      if (disposed) return;
      const s = io('/notifications', { auth: tokenAuth });
      socket = s;
      // Signed out (the refresh failed): the app goes back to sign-in and this provider unmounts.
      reconnectOnTokenExpiry(s, { active: () => !disposed });
      s.on('notification', (n: NotificationEvent) => {
        setUnread((count) => count + 1);
        setReceived((count) => count + 1);
        toast.current.info({ key: n.id, message: n.title, description: n.body ?? undefined, placement: 'topRight', duration: 8 });
      });
      s.on('connect', () => setConnected(true));
      s.on('unread', (state: { unread: number }) => setUnread(state.unread));
      s.on('disconnect', () => setConnected(false));
    });
    return () => {
      disposed = true;
      socket?.disconnect();
    };
  }, [userId]);

  return <LiveNotificationsContext.Provider value={{ unread, received, connected }}>{children}</LiveNotificationsContext.Provider>;
}

export function useLiveNotifications(): LiveNotifications {
  return useContext(LiveNotificationsContext);
}

/** The header's bell: the unread count, and a way to the messages. */
export function NotificationBell({ onOpen }: { onOpen: () => void }) {
  const { unread, connected } = useLiveNotifications();
  return (
    <Badge count={unread} size="small" overflowCount={99}>
      <Button size="small" icon={<BellOutlined />} aria-label={unread ? `站内消息，${unread} 条未读` : '站内消息'} onClick={onOpen} data-testid="notification-bell" data-unread={unread} data-live={connected ? 'connected' : 'offline'} />
    </Badge>
  );
}
