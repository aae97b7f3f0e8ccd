import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { WORKSPACE_ADMIN_IDS_SQL, worksInWorkspace } from './workspace-admins';

export interface NewNotification {
  workspaceId: string;
  /** A user, or null for every admin of the workspace. */
  userId: string | null;
  kind: string;
  title: string;
  body: string;
  subjectType?: string;
  subjectId?: string;
}

/** In-app notifications for agents and admins (flow alerts, assignments, failures). */
@Injectable()
export class NotifierService {
  constructor(private readonly dataSource: DataSource) {}

  async notify(notification: NewNotification): Promise<number> {
    const recipients = notification.userId
      ? [notification.userId]
      : (await sqlRows(this.dataSource, z.object({ id: z.string() }), WORKSPACE_ADMIN_IDS_SQL, [notification.workspaceId])).map(
          (r) => r.id,
        );
    for (const userId of recipients) {
      await this.dataSource.query(
        `INSERT INTO notifications (workspace_id, user_id, kind, title, body, subject_type, subject_id)
         SELECT $1, u.id, $3, $4, $5, $6, $7 FROM users u WHERE u.id = $2 AND ${worksInWorkspace('u.id', '$1')}`,
        [
          notification.workspaceId,
          userId,
          notification.kind,
          notification.title.slice(0, 500),
          notification.body.slice(0, 4000),
          notification.subjectType ?? null,
          notification.subjectId ?? null,
        ],
      );
    }
    return recipients.length;
  }
}
