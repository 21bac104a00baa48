import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795988474207 implements MigrationInterface {
  name = 'Initial1795988474207';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_entries\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"actorId\" varchar(36), \"actorUsername\" varchar(64), \"action\" varchar(120) NOT NULL, \"method\" varchar(10) NOT NULL, \"path\" varchar(300) NOT NULL, \"targetType\" varchar(60), \"targetId\" varchar(64), \"status\" smallint NOT NULL, \"requestId\" varchar(64), \"ip\" varchar(64), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE INDEX \"idx_audit_actor\" ON \"audit_entries\" (\"actorId\", \"createdAt\") ");
    await queryRunner.query("CREATE INDEX \"idx_audit_target\" ON \"audit_entries\" (\"targetType\", \"targetId\") ");
    await queryRunner.query("CREATE TABLE \"organizations\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(100) NOT NULL, \"kind\" varchar(20) NOT NULL, \"countyId\" varchar(36), \"code\" varchar(32), \"ownership\" varchar(10), \"locality\" varchar(10), \"designation\" varchar(40), \"isWeak\" boolean NOT NULL DEFAULT (0), \"location\" varchar(200), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_name\" ON \"organizations\" (\"name\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_code\" ON \"organizations\" (\"code\") ");
    await queryRunner.query("CREATE INDEX \"idx_org_kind_county\" ON \"organizations\" (\"kind\", \"countyId\") ");
    await queryRunner.query("CREATE TABLE \"school_year_stats\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"year\" smallint NOT NULL, \"students\" integer NOT NULL, \"classes\" integer NOT NULL, \"teachers\" integer NOT NULL, \"largestClass\" integer NOT NULL, \"perStudentFunding\" decimal(12,2) NOT NULL, \"newEntryLargestClass\" integer, \"researchers\" integer, \"notes\" varchar(500), \"updatedById\" varchar(36), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_stats_org_year\" ON \"school_year_stats\" (\"organizationId\", \"year\") ");
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"username\" varchar(64) NOT NULL, \"phone\" varchar(20), \"name\" varchar(50) NOT NULL, \"role\" varchar(20) NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"subject\" varchar(20), \"passwordHash\" varchar(255) NOT NULL, \"active\" boolean NOT NULL DEFAULT (1), \"lastLoginAt\" datetime(3), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_username\" ON \"users\" (\"username\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_phone\" ON \"users\" (\"phone\") ");
    await queryRunner.query("CREATE INDEX \"idx_user_org_role\" ON \"users\" (\"organizationId\", \"role\") ");
    await queryRunner.query("CREATE TABLE \"refresh_tokens\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"tokenHash\" varchar(64) NOT NULL, \"userId\" varchar(36) NOT NULL, \"familyId\" varchar(36) NOT NULL, \"expiresAt\" datetime(3) NOT NULL, \"usedAt\" datetime(3), \"revokedAt\" datetime(3), \"revokedReason\" varchar(40), \"userAgent\" varchar(200), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_refresh_hash\" ON \"refresh_tokens\" (\"tokenHash\") ");
    await queryRunner.query("CREATE INDEX \"idx_refresh_user\" ON \"refresh_tokens\" (\"userId\") ");
    await queryRunner.query("CREATE INDEX \"idx_refresh_family\" ON \"refresh_tokens\" (\"familyId\") ");
    await queryRunner.query("DROP INDEX \"uq_org_name\"");
    await queryRunner.query("DROP INDEX \"uq_org_code\"");
    await queryRunner.query("DROP INDEX \"idx_org_kind_county\"");
    await queryRunner.query("CREATE TABLE \"temporary_organizations\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(100) NOT NULL, \"kind\" varchar(20) NOT NULL, \"countyId\" varchar(36), \"code\" varchar(32), \"ownership\" varchar(10), \"locality\" varchar(10), \"designation\" varchar(40), \"isWeak\" boolean NOT NULL DEFAULT (0), \"location\" varchar(200), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"FK_ef229919784b576b73967889862\" FOREIGN KEY (\"countyId\") REFERENCES \"organizations\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_organizations\"(\"id\", \"name\", \"kind\", \"countyId\", \"code\", \"ownership\", \"locality\", \"designation\", \"isWeak\", \"location\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"name\", \"kind\", \"countyId\", \"code\", \"ownership\", \"locality\", \"designation\", \"isWeak\", \"location\", \"createdAt\", \"updatedAt\" FROM \"organizations\"");
    await queryRunner.query("DROP TABLE \"organizations\"");
    await queryRunner.query("ALTER TABLE \"temporary_organizations\" RENAME TO \"organizations\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_name\" ON \"organizations\" (\"name\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_code\" ON \"organizations\" (\"code\") ");
    await queryRunner.query("CREATE INDEX \"idx_org_kind_county\" ON \"organizations\" (\"kind\", \"countyId\") ");
    await queryRunner.query("DROP INDEX \"uq_stats_org_year\"");
    await queryRunner.query("CREATE TABLE \"temporary_school_year_stats\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"year\" smallint NOT NULL, \"students\" integer NOT NULL, \"classes\" integer NOT NULL, \"teachers\" integer NOT NULL, \"largestClass\" integer NOT NULL, \"perStudentFunding\" decimal(12,2) NOT NULL, \"newEntryLargestClass\" integer, \"researchers\" integer, \"notes\" varchar(500), \"updatedById\" varchar(36), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"FK_c77b44282e07bb8237fe3ab7d4b\" FOREIGN KEY (\"organizationId\") REFERENCES \"organizations\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_school_year_stats\"(\"id\", \"organizationId\", \"year\", \"students\", \"classes\", \"teachers\", \"largestClass\", \"perStudentFunding\", \"newEntryLargestClass\", \"researchers\", \"notes\", \"updatedById\", \"updatedAt\") SELECT \"id\", \"organizationId\", \"year\", \"students\", \"classes\", \"teachers\", \"largestClass\", \"perStudentFunding\", \"newEntryLargestClass\", \"researchers\", \"notes\", \"updatedById\", \"updatedAt\" FROM \"school_year_stats\"");
    await queryRunner.query("DROP TABLE \"school_year_stats\"");
    await queryRunner.query("ALTER TABLE \"temporary_school_year_stats\" RENAME TO \"school_year_stats\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_stats_org_year\" ON \"school_year_stats\" (\"organizationId\", \"year\") ");
    await queryRunner.query("DROP INDEX \"uq_user_username\"");
    await queryRunner.query("DROP INDEX \"uq_user_phone\"");
    await queryRunner.query("DROP INDEX \"idx_user_org_role\"");
    await queryRunner.query("CREATE TABLE \"temporary_users\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"username\" varchar(64) NOT NULL, \"phone\" varchar(20), \"name\" varchar(50) NOT NULL, \"role\" varchar(20) NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"subject\" varchar(20), \"passwordHash\" varchar(255) NOT NULL, \"active\" boolean NOT NULL DEFAULT (1), \"lastLoginAt\" datetime(3), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"FK_f3d6aea8fcca58182b2e80ce979\" FOREIGN KEY (\"organizationId\") REFERENCES \"organizations\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_users\"(\"id\", \"username\", \"phone\", \"name\", \"role\", \"organizationId\", \"subject\", \"passwordHash\", \"active\", \"lastLoginAt\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"username\", \"phone\", \"name\", \"role\", \"organizationId\", \"subject\", \"passwordHash\", \"active\", \"lastLoginAt\", \"createdAt\", \"updatedAt\" FROM \"users\"");
    await queryRunner.query("DROP TABLE \"users\"");
    await queryRunner.query("ALTER TABLE \"temporary_users\" RENAME TO \"users\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_username\" ON \"users\" (\"username\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_phone\" ON \"users\" (\"phone\") ");
    await queryRunner.query("CREATE INDEX \"idx_user_org_role\" ON \"users\" (\"organizationId\", \"role\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"idx_user_org_role\"");
    await queryRunner.query("DROP INDEX \"uq_user_phone\"");
    await queryRunner.query("DROP INDEX \"uq_user_username\"");
    await queryRunner.query("ALTER TABLE \"users\" RENAME TO \"temporary_users\"");
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"username\" varchar(64) NOT NULL, \"phone\" varchar(20), \"name\" varchar(50) NOT NULL, \"role\" varchar(20) NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"subject\" varchar(20), \"passwordHash\" varchar(255) NOT NULL, \"active\" boolean NOT NULL DEFAULT (1), \"lastLoginAt\" datetime(3), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("INSERT INTO \"users\"(\"id\", \"username\", \"phone\", \"name\", \"role\", \"organizationId\", \"subject\", \"passwordHash\", \"active\", \"lastLoginAt\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"username\", \"phone\", \"name\", \"role\", \"organizationId\", \"subject\", \"passwordHash\", \"active\", \"lastLoginAt\", \"createdAt\", \"updatedAt\" FROM \"temporary_users\"");
    await queryRunner.query("DROP TABLE \"temporary_users\"");
    await queryRunner.query("CREATE INDEX \"idx_user_org_role\" ON \"users\" (\"organizationId\", \"role\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_phone\" ON \"users\" (\"phone\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_user_username\" ON \"users\" (\"username\") ");
    await queryRunner.query("DROP INDEX \"uq_stats_org_year\"");
    await queryRunner.query("ALTER TABLE \"school_year_stats\" RENAME TO \"temporary_school_year_stats\"");
    await queryRunner.query("CREATE TABLE \"school_year_stats\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"organizationId\" varchar(36) NOT NULL, \"year\" smallint NOT NULL, \"students\" integer NOT NULL, \"classes\" integer NOT NULL, \"teachers\" integer NOT NULL, \"largestClass\" integer NOT NULL, \"perStudentFunding\" decimal(12,2) NOT NULL, \"newEntryLargestClass\" integer, \"researchers\" integer, \"notes\" varchar(500), \"updatedById\" varchar(36), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("INSERT INTO \"school_year_stats\"(\"id\", \"organizationId\", \"year\", \"students\", \"classes\", \"teachers\", \"largestClass\", \"perStudentFunding\", \"newEntryLargestClass\", \"researchers\", \"notes\", \"updatedById\", \"updatedAt\") SELECT \"id\", \"organizationId\", \"year\", \"students\", \"classes\", \"teachers\", \"largestClass\", \"perStudentFunding\", \"newEntryLargestClass\", \"researchers\", \"notes\", \"updatedById\", \"updatedAt\" FROM \"temporary_school_year_stats\"");
    await queryRunner.query("DROP TABLE \"temporary_school_year_stats\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_stats_org_year\" ON \"school_year_stats\" (\"organizationId\", \"year\") ");
    await queryRunner.query("DROP INDEX \"idx_org_kind_county\"");
    await queryRunner.query("DROP INDEX \"uq_org_code\"");
    await queryRunner.query("DROP INDEX \"uq_org_name\"");
    await queryRunner.query("ALTER TABLE \"organizations\" RENAME TO \"temporary_organizations\"");
    await queryRunner.query("CREATE TABLE \"organizations\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(100) NOT NULL, \"kind\" varchar(20) NOT NULL, \"countyId\" varchar(36), \"code\" varchar(32), \"ownership\" varchar(10), \"locality\" varchar(10), \"designation\" varchar(40), \"isWeak\" boolean NOT NULL DEFAULT (0), \"location\" varchar(200), \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')))");
    await queryRunner.query("INSERT INTO \"organizations\"(\"id\", \"name\", \"kind\", \"countyId\", \"code\", \"ownership\", \"locality\", \"designation\", \"isWeak\", \"location\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"name\", \"kind\", \"countyId\", \"code\", \"ownership\", \"locality\", \"designation\", \"isWeak\", \"location\", \"createdAt\", \"updatedAt\" FROM \"temporary_organizations\"");
    await queryRunner.query("DROP TABLE \"temporary_organizations\"");
    await queryRunner.query("CREATE INDEX \"idx_org_kind_county\" ON \"organizations\" (\"kind\", \"countyId\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_code\" ON \"organizations\" (\"code\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_org_name\" ON \"organizations\" (\"name\") ");
    await queryRunner.query("DROP INDEX \"idx_refresh_family\"");
    await queryRunner.query("DROP INDEX \"idx_refresh_user\"");
    await queryRunner.query("DROP INDEX \"uq_refresh_hash\"");
    await queryRunner.query("DROP TABLE \"refresh_tokens\"");
    await queryRunner.query("DROP INDEX \"idx_user_org_role\"");
    await queryRunner.query("DROP INDEX \"uq_user_phone\"");
    await queryRunner.query("DROP INDEX \"uq_user_username\"");
    await queryRunner.query("DROP TABLE \"users\"");
    await queryRunner.query("DROP INDEX \"uq_stats_org_year\"");
    await queryRunner.query("DROP TABLE \"school_year_stats\"");
    await queryRunner.query("DROP INDEX \"idx_org_kind_county\"");
    await queryRunner.query("DROP INDEX \"uq_org_code\"");
    await queryRunner.query("DROP INDEX \"uq_org_name\"");
    await queryRunner.query("DROP TABLE \"organizations\"");
    await queryRunner.query("DROP INDEX \"idx_audit_target\"");
    await queryRunner.query("DROP INDEX \"idx_audit_actor\"");
    await queryRunner.query("DROP TABLE \"audit_entries\"");
  }
}
