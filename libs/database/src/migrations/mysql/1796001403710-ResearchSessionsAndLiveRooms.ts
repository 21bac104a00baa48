import { MigrationInterface, QueryRunner } from 'typeorm';

export class ResearchSessionsAndLiveRooms1796001403710 implements MigrationInterface {
  name = 'ResearchSessionsAndLiveRooms1796001403710';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `research_sessions` (`id` varchar(36) NOT NULL, `kind` varchar(40) NOT NULL, `title` varchar(200) NOT NULL, `subject` varchar(30) NULL, `hostOrganizationId` varchar(36) NOT NULL, `partnershipId` varchar(36) NULL, `startsAt` datetime(3) NOT NULL, `endsAt` datetime(3) NOT NULL, `venue` varchar(200) NULL, `online` tinyint NOT NULL DEFAULT 0, `agenda` text NOT NULL, `currentAgendaIndex` int NOT NULL DEFAULT '-1', `trainingLevel` varchar(20) NOT NULL, `creditHours` decimal(5,2) NOT NULL, `creditRule` varchar(20) NOT NULL DEFAULT 'threshold', `minAttendancePercent` int NOT NULL DEFAULT '75', `status` varchar(20) NOT NULL DEFAULT 'scheduled', `createdByUserId` varchar(36) NOT NULL, `endedAt` datetime(3) NULL, `cancelledAt` datetime(3) NULL, `cancelReason` varchar(500) NULL, `sequence` int NOT NULL DEFAULT '0', `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), `version` int NOT NULL, INDEX `idx_rs_partnership` (`partnershipId`, `startsAt`), INDEX `idx_rs_starts` (`startsAt`), INDEX `idx_rs_host_starts` (`hostOrganizationId`, `startsAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `research_session_invitations` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `organizationId` varchar(36) NULL, `userId` varchar(36) NULL, `role` varchar(20) NOT NULL DEFAULT 'participant', `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `idx_rsi_user` (`userId`), INDEX `idx_rsi_org` (`organizationId`), INDEX `idx_rsi_session` (`sessionId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `research_session_rsvps` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `response` varchar(20) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `idx_rsvp_user` (`userId`), UNIQUE INDEX `uq_rsvp_session_user` (`sessionId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `research_session_resources` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `resourceId` varchar(36) NOT NULL, `position` int NOT NULL DEFAULT '0', UNIQUE INDEX `uq_rsr_session_resource` (`sessionId`, `resourceId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `calendar_feed_tokens` (`id` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `tokenHash` varchar(64) NOT NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `uq_cft_user` (`userId`), UNIQUE INDEX `uq_cft_hash` (`tokenHash`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `attendance_intervals` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `organizationId` varchar(36) NOT NULL, `joinedAt` datetime(3) NOT NULL, `leftAt` datetime(3) NULL, `openMarker` tinyint NULL, INDEX `idx_attendance_session` (`sessionId`, `joinedAt`), UNIQUE INDEX `uq_attendance_open` (`sessionId`, `userId`, `openMarker`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `training_records` (`id` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `organizationId` varchar(36) NOT NULL, `year` int NOT NULL, `activityDate` varchar(10) NOT NULL, `source` varchar(10) NOT NULL, `sessionId` varchar(36) NULL, `title` varchar(200) NOT NULL, `level` varchar(20) NOT NULL, `hours` decimal(5,2) NOT NULL, `attendedMinutes` int NULL, `enteredByUserId` varchar(36) NULL, `note` varchar(500) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `idx_training_org_year` (`organizationId`, `year`), INDEX `idx_training_user_year` (`userId`, `year`), UNIQUE INDEX `uq_training_session_user` (`sessionId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_chat_messages` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `clientMsgId` varchar(64) NOT NULL, `userName` varchar(50) NOT NULL, `schoolName` varchar(100) NOT NULL, `text` text NOT NULL, `sentAt` datetime(3) NOT NULL, INDEX `idx_live_chat_session_id` (`sessionId`, `id`), UNIQUE INDEX `uq_live_chat_client_msg` (`sessionId`, `userId`, `clientMsgId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_hands` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `raisedAt` datetime(3) NOT NULL, UNIQUE INDEX `uq_live_hand` (`sessionId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_floors` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `givenByUserId` varchar(36) NOT NULL, `since` datetime(3) NOT NULL, UNIQUE INDEX `uq_live_floor_session` (`sessionId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_polls` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `question` varchar(200) NOT NULL, `options` text NOT NULL, `multiple` tinyint NOT NULL DEFAULT 0, `status` varchar(10) NOT NULL DEFAULT 'open', `createdByUserId` varchar(36) NOT NULL, `createdAt` datetime(3) NOT NULL, `closedAt` datetime(3) NULL, INDEX `idx_live_poll_session` (`sessionId`, `createdAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_poll_votes` (`id` varchar(36) NOT NULL, `pollId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `optionIndex` smallint NOT NULL, `choiceKey` smallint NOT NULL, `createdAt` datetime(3) NOT NULL, UNIQUE INDEX `uq_live_poll_vote` (`pollId`, `userId`, `choiceKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_minutes_updates` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `update` blob NOT NULL, `userId` varchar(36) NULL, `createdAt` datetime(3) NOT NULL, INDEX `idx_live_minutes_session` (`sessionId`, `createdAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_minutes_locks` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `lockedByUserId` varchar(36) NOT NULL, `lockedAt` datetime(3) NOT NULL, UNIQUE INDEX `uq_live_minutes_lock` (`sessionId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_rubric_scores` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `userId` varchar(36) NOT NULL, `scores` text NOT NULL, `comment` varchar(500) NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, UNIQUE INDEX `uq_live_rubric_score` (`sessionId`, `userId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `live_shared_resources` (`id` varchar(36) NOT NULL, `sessionId` varchar(36) NOT NULL, `resourceId` varchar(36) NOT NULL, `title` varchar(200) NOT NULL, `type` varchar(20) NOT NULL, `sharedByUserId` varchar(36) NOT NULL, `sharedAt` datetime(3) NOT NULL, INDEX `idx_live_share_session` (`sessionId`, `sharedAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("ALTER TABLE `live_poll_votes` ADD CONSTRAINT `FK_262cdfb8f26ec3c70fe57fb2e37` FOREIGN KEY (`pollId`) REFERENCES `live_polls`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `live_poll_votes` DROP FOREIGN KEY `FK_262cdfb8f26ec3c70fe57fb2e37`");
    await queryRunner.query("DROP INDEX `idx_live_share_session` ON `live_shared_resources`");
    await queryRunner.query("DROP TABLE `live_shared_resources`");
    await queryRunner.query("DROP INDEX `uq_live_rubric_score` ON `live_rubric_scores`");
    await queryRunner.query("DROP TABLE `live_rubric_scores`");
    await queryRunner.query("DROP INDEX `uq_live_minutes_lock` ON `live_minutes_locks`");
    await queryRunner.query("DROP TABLE `live_minutes_locks`");
    await queryRunner.query("DROP INDEX `idx_live_minutes_session` ON `live_minutes_updates`");
    await queryRunner.query("DROP TABLE `live_minutes_updates`");
    await queryRunner.query("DROP INDEX `uq_live_poll_vote` ON `live_poll_votes`");
    await queryRunner.query("DROP TABLE `live_poll_votes`");
    await queryRunner.query("DROP INDEX `idx_live_poll_session` ON `live_polls`");
    await queryRunner.query("DROP TABLE `live_polls`");
    await queryRunner.query("DROP INDEX `uq_live_floor_session` ON `live_floors`");
    await queryRunner.query("DROP TABLE `live_floors`");
    await queryRunner.query("DROP INDEX `uq_live_hand` ON `live_hands`");
    await queryRunner.query("DROP TABLE `live_hands`");
    await queryRunner.query("DROP INDEX `uq_live_chat_client_msg` ON `live_chat_messages`");
    await queryRunner.query("DROP INDEX `idx_live_chat_session_id` ON `live_chat_messages`");
    await queryRunner.query("DROP TABLE `live_chat_messages`");
    await queryRunner.query("DROP INDEX `uq_training_session_user` ON `training_records`");
    await queryRunner.query("DROP INDEX `idx_training_user_year` ON `training_records`");
    await queryRunner.query("DROP INDEX `idx_training_org_year` ON `training_records`");
    await queryRunner.query("DROP TABLE `training_records`");
    await queryRunner.query("DROP INDEX `uq_attendance_open` ON `attendance_intervals`");
    await queryRunner.query("DROP INDEX `idx_attendance_session` ON `attendance_intervals`");
    await queryRunner.query("DROP TABLE `attendance_intervals`");
    await queryRunner.query("DROP INDEX `uq_cft_hash` ON `calendar_feed_tokens`");
    await queryRunner.query("DROP INDEX `uq_cft_user` ON `calendar_feed_tokens`");
    await queryRunner.query("DROP TABLE `calendar_feed_tokens`");
    await queryRunner.query("DROP INDEX `uq_rsr_session_resource` ON `research_session_resources`");
    await queryRunner.query("DROP TABLE `research_session_resources`");
    await queryRunner.query("DROP INDEX `uq_rsvp_session_user` ON `research_session_rsvps`");
    await queryRunner.query("DROP INDEX `idx_rsvp_user` ON `research_session_rsvps`");
    await queryRunner.query("DROP TABLE `research_session_rsvps`");
    await queryRunner.query("DROP INDEX `idx_rsi_session` ON `research_session_invitations`");
    await queryRunner.query("DROP INDEX `idx_rsi_org` ON `research_session_invitations`");
    await queryRunner.query("DROP INDEX `idx_rsi_user` ON `research_session_invitations`");
    await queryRunner.query("DROP TABLE `research_session_invitations`");
    await queryRunner.query("DROP INDEX `idx_rs_host_starts` ON `research_sessions`");
    await queryRunner.query("DROP INDEX `idx_rs_starts` ON `research_sessions`");
    await queryRunner.query("DROP INDEX `idx_rs_partnership` ON `research_sessions`");
    await queryRunner.query("DROP TABLE `research_sessions`");
  }
}
