import { useState, type ReactNode } from 'react';
import { LoadingOutlined } from '@ant-design/icons';

/**
 * A link-styled action (open a drawer, download a file). A bare `<a onClick>` has no href, so the keyboard never
 * reaches it; this one is a real link (Tab, Enter) that does the action instead of navigating. While the action's
 * promise is pending it shows a spinner and ignores repeat clicks.
 */
export function ActionLink({ onClick, children }: { onClick: () => unknown; children: ReactNode }) {
  const [busy, setBusy] = useState(false);
  return (
    <a
      href="#"
      aria-busy={busy || undefined}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        if (busy) return;
        const result = onClick();
        if (result instanceof Promise) {
          setBusy(true);
          void result.finally(() => setBusy(false));
        }
      }}
    >
      {busy && <LoadingOutlined style={{ marginRight: 4 }} />}
      {children}
    </a>
  );
}
