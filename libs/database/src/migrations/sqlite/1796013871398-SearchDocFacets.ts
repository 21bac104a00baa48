import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filter values copied onto the search docs (ResourceSearchDoc). Written by hand rather than generated: the
 * generator rebuilds the table, and dropping resource_search_docs would take its term rows with it by foreign key;
 * SQLite adds and drops columns in place.
 */
export class SearchDocFacets1796013871398 implements MigrationInterface {
  name = 'SearchDocFacets1796013871398';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resource_search_docs" ADD COLUMN "subject" varchar(10) NOT NULL DEFAULT ('')`);
    await queryRunner.query(`ALTER TABLE "resource_search_docs" ADD COLUMN "grade" varchar(4) NOT NULL DEFAULT ('')`);
    await queryRunner.query(`ALTER TABLE "resource_search_docs" ADD COLUMN "type" varchar(20) NOT NULL DEFAULT ('')`);
    await queryRunner.query(
      `UPDATE "resource_search_docs" SET ` +
        `"subject" = (SELECT r."subject" FROM "resources" r WHERE r."id" = "resource_search_docs"."resourceId"), ` +
        `"grade" = (SELECT r."grade" FROM "resources" r WHERE r."id" = "resource_search_docs"."resourceId"), ` +
        `"type" = (SELECT r."type" FROM "resources" r WHERE r."id" = "resource_search_docs"."resourceId")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resource_search_docs" DROP COLUMN "type"`);
    await queryRunner.query(`ALTER TABLE "resource_search_docs" DROP COLUMN "grade"`);
    await queryRunner.query(`ALTER TABLE "resource_search_docs" DROP COLUMN "subject"`);
  }
}
