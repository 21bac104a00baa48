import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795988474207 implements MigrationInterface {
  name = 'Initial1795988474207';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `audit_entries` (`id` varchar(36) NOT NULL, `actorId` varchar(36) NULL, `actorUsername` varchar(64) NULL, `action` varchar(120) NOT NULL, `method` varchar(10) NOT NULL, `path` varchar(300) NOT NULL, `targetType` varchar(60) NULL, `targetId` varchar(64) NULL, `status` smallint NOT NULL, `requestId` varchar(64) NULL, `ip` varchar(64) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `idx_audit_actor` (`actorId`, `createdAt`), INDEX `idx_audit_target` (`targetType`, `targetId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `organizations` (`id` varchar(36) NOT NULL, `name` varchar(100) NOT NULL, `kind` varchar(20) NOT NULL, `countyId` varchar(36) NULL, `code` varchar(32) NULL, `ownership` varchar(10) NULL, `locality` varchar(10) NULL, `designation` varchar(40) NULL, `isWeak` tinyint NOT NULL DEFAULT 0, `location` varchar(200) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `uq_org_name` (`name`), UNIQUE INDEX `uq_org_code` (`code`), INDEX `idx_org_kind_county` (`kind`, `countyId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `school_year_stats` (`id` varchar(36) NOT NULL, `organizationId` varchar(36) NOT NULL, `year` smallint NOT NULL, `students` int NOT NULL, `classes` int NOT NULL, `teachers` int NOT NULL, `largestClass` int NOT NULL, `perStudentFunding` decimal(12,2) NOT NULL, `newEntryLargestClass` int NULL, `researchers` int NULL, `notes` varchar(500) NULL, `updatedById` varchar(36) NULL, `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `uq_stats_org_year` (`organizationId`, `year`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `users` (`id` varchar(36) NOT NULL, `username` varchar(64) NOT NULL, `phone` varchar(20) NULL, `name` varchar(50) NOT NULL, `role` varchar(20) NOT NULL, `organizationId` varchar(36) NOT NULL, `subject` varchar(20) NULL, `passwordHash` varchar(255) NOT NULL, `active` tinyint NOT NULL DEFAULT 1, `lastLoginAt` datetime(3) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `uq_user_username` (`username`), UNIQUE INDEX `uq_user_phone` (`phone`), INDEX `idx_user_org_role` (`organizationId`, `role`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("CREATE TABLE `refresh_tokens` (`id` varchar(36) NOT NULL, `tokenHash` varchar(64) NOT NULL, `userId` varchar(36) NOT NULL, `familyId` varchar(36) NOT NULL, `expiresAt` datetime(3) NOT NULL, `usedAt` datetime(3) NULL, `revokedAt` datetime(3) NULL, `revokedReason` varchar(40) NULL, `userAgent` varchar(200) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX `uq_refresh_hash` (`tokenHash`), INDEX `idx_refresh_user` (`userId`), INDEX `idx_refresh_family` (`familyId`), PRIMARY KEY (`id`)) ENGINE=InnoDB");
    await queryRunner.query("ALTER TABLE `organizations` ADD CONSTRAINT `FK_ef229919784b576b73967889862` FOREIGN KEY (`countyId`) REFERENCES `organizations`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `school_year_stats` ADD CONSTRAINT `FK_c77b44282e07bb8237fe3ab7d4b` FOREIGN KEY (`organizationId`) REFERENCES `organizations`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `users` ADD CONSTRAINT `FK_f3d6aea8fcca58182b2e80ce979` FOREIGN KEY (`organizationId`) REFERENCES `organizations`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `users` DROP FOREIGN KEY `FK_f3d6aea8fcca58182b2e80ce979`");
    await queryRunner.query("ALTER TABLE `school_year_stats` DROP FOREIGN KEY `FK_c77b44282e07bb8237fe3ab7d4b`");
    await queryRunner.query("ALTER TABLE `organizations` DROP FOREIGN KEY `FK_ef229919784b576b73967889862`");
    await queryRunner.query("DROP INDEX `idx_refresh_family` ON `refresh_tokens`");
    await queryRunner.query("DROP INDEX `idx_refresh_user` ON `refresh_tokens`");
    await queryRunner.query("DROP INDEX `uq_refresh_hash` ON `refresh_tokens`");
    await queryRunner.query("DROP TABLE `refresh_tokens`");
    await queryRunner.query("DROP INDEX `idx_user_org_role` ON `users`");
    await queryRunner.query("DROP INDEX `uq_user_phone` ON `users`");
    await queryRunner.query("DROP INDEX `uq_user_username` ON `users`");
    await queryRunner.query("DROP TABLE `users`");
    await queryRunner.query("DROP INDEX `uq_stats_org_year` ON `school_year_stats`");
    await queryRunner.query("DROP TABLE `school_year_stats`");
    await queryRunner.query("DROP INDEX `idx_org_kind_county` ON `organizations`");
    await queryRunner.query("DROP INDEX `uq_org_code` ON `organizations`");
    await queryRunner.query("DROP INDEX `uq_org_name` ON `organizations`");
    await queryRunner.query("DROP TABLE `organizations`");
    await queryRunner.query("DROP INDEX `idx_audit_target` ON `audit_entries`");
    await queryRunner.query("DROP INDEX `idx_audit_actor` ON `audit_entries`");
    await queryRunner.query("DROP TABLE `audit_entries`");
  }
}
