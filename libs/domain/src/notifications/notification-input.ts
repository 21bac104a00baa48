import { NOTIFICATION_LINK_KINDS, NotificationLinkKind } from './notification.entity';

/** What other contexts pass to NotificationsService. */
export interface NotificationInput {
  /** Stable English event name, e.g. 'measure.rejected'. */
  type: string;
  /** Chinese headline. */
  title: string;
  body?: string;
  link?: { kind: NotificationLinkKind; id: string };
}

export const NOTIFICATION_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const TITLE_MAX = 200;
export const BODY_MAX = 2000;

export interface NormalizedNotification {
  type: string;
  title: string;
  body: string | null;
  linkKind: NotificationLinkKind | null;
  linkId: string | null;
}

/**
 * Checks what a caller passes and fits the text to the columns. A malformed type or link is a programming
 * error of the caller (thrown as a plain Error); overlong text is cut with an ellipsis rather than lost, since
 * notifications are often sent from jobs where a failure would drop the whole batch.
 */
export function normalizeNotification(input: NotificationInput): NormalizedNotification {
  if (typeof input.type !== 'string' || input.type.length > 64 || !NOTIFICATION_TYPE_PATTERN.test(input.type)) {
    throw new Error(`Invalid notification type ${JSON.stringify(input.type)}: use lower-case dotted words such as 'measure.rejected'`);
  }
  const title = clip(input.title?.trim() ?? '', TITLE_MAX);
  if (!title) throw new Error(`Notification ${input.type} needs a title`);
  const body = input.body?.trim() ? clip(input.body.trim(), BODY_MAX) : null;
  if (input.link) {
    if (!(NOTIFICATION_LINK_KINDS as readonly string[]).includes(input.link.kind)) {
      throw new Error(`Invalid notification link kind ${JSON.stringify(input.link.kind)}`);
    }
    if (typeof input.link.id !== 'string' || !input.link.id || input.link.id.length > 36) {
      throw new Error(`Invalid notification link id ${JSON.stringify(input.link.id)}`);
    }
  }
  return { type: input.type, title, body, linkKind: input.link?.kind ?? null, linkId: input.link?.id ?? null };
}

/** Cuts by code points (never splitting a surrogate pair) and marks the cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
