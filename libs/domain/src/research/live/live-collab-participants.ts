import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { User } from '../../accounts/user.entity';
import type { ParticipantRef } from './live-collab.events';

/** Names and schools of the people shown in hand queues, shares and the record (one query per batch). */
@Injectable()
export class LiveCollabParticipants {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async describe(userIds: readonly string[]): Promise<Map<string, ParticipantRef>> {
    const ids = [...new Set(userIds)];
    const out = new Map<string, ParticipantRef>();
    if (!ids.length) return out;
    const rows = await this.users
      .createQueryBuilder('u')
      .leftJoin('u.organization', 'o')
      .select(['u.id AS id', 'u.name AS name', 'o.name AS school'])
      .where({ id: In(ids) })
      .getRawMany<{ id: string; name: string; school: string | null }>();
    for (const r of rows) out.set(r.id, { userId: r.id, name: r.name, school: r.school ?? '' });
    // A deleted user still shows (as an id) rather than vanishing from the record.
    for (const id of ids) if (!out.has(id)) out.set(id, { userId: id, name: id, school: '' });
    return out;
  }
}
