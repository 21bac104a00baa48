import { UuidEntity } from '@app/platform';
import { BeforeInsert, Column, Entity, Index } from 'typeorm';

/**
 * How the target schools were chosen: a list picked by hand, every weak school (薄弱学校) within the pusher's
 * scope, or every member school of one partnership. The resolved schools are the push's receipts.
 */
export const PUSH_TARGET_KINDS = ['schools', 'weak_schools', 'partnership'] as const;
export type PushTargetKind = (typeof PUSH_TARGET_KINDS)[number];

/**
 * A push (推送) of resources to schools with a message, by a coordinator or by a mentor of a partnership. The
 * resources are snapshotted as PushItems (a pushed collection's items at push time) and every target school gets
 * a PushReceipt, so later edits of a collection or of a school's weak flag do not rewrite what was pushed.
 */
@Entity('resource_pushes')
@Index('idx_push_pusher_org', ['pushedByOrganizationId', 'pushedAt'])
@Index('idx_push_pushed_at', ['pushedAt'])
export class Push extends UuidEntity {
  /** Shown in the inbox; defaults to the collection name or the first resource's title. */
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 1000 })
  message: string;

  @Column({ type: 'varchar', length: 20 })
  targetKind: PushTargetKind;

  /** The partnership whose member schools were targeted (targetKind = partnership). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  partnershipId: string | null;

  /** The collection (专题资源包) pushed, if the push was of a collection. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  collectionId: string | null;

  /** The collection's name when pushed, so the push still names it if the collection changes or goes. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  collectionName: string | null;

  @Column({ type: 'varchar', length: 36 })
  pushedById: string;

  @Column({ type: 'varchar', length: 36 })
  pushedByOrganizationId: string;

  @Column({ type: 'datetime', precision: 3 })
  pushedAt: Date;

  /** The calendar day in Asia/Shanghai the push was made: what partnership terms and the unopened rule count by. */
  @Column({ type: 'date' })
  pushedOn: string;

  @Column({ type: 'int' })
  resourceCount: number;

  @Column({ type: 'int' })
  schoolCount: number;

  @BeforeInsert()
  protected stampPushed(): void {
    this.pushedAt ??= new Date();
  }
}
