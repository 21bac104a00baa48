import { MigrationInterface, QueryRunner } from 'typeorm';

/** Filter values copied onto the search docs (ResourceSearchDoc), filled from each doc's resource. */
export class SearchDocFacets1796013871398 implements MigrationInterface {
  name = 'SearchDocFacets1796013871398';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `resource_search_docs` ADD `subject` varchar(10) NOT NULL DEFAULT ''");
    await queryRunner.query("ALTER TABLE `resource_search_docs` ADD `grade` varchar(4) NOT NULL DEFAULT ''");
    await queryRunner.query("ALTER TABLE `resource_search_docs` ADD `type` varchar(20) NOT NULL DEFAULT ''");
    // Existing docs take their resource's values (new ones are written by ResourceSearchIndexer).
    await queryRunner.query(
      'UPDATE `resource_search_docs` sd INNER JOIN `resources` r ON r.`id` = sd.`resourceId` SET sd.`subject` = r.`subject`, sd.`grade` = r.`grade`, sd.`type` = r.`type`',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `resource_search_docs` DROP COLUMN `type`");
    await queryRunner.query("ALTER TABLE `resource_search_docs` DROP COLUMN `grade`");
    await queryRunner.query("ALTER TABLE `resource_search_docs` DROP COLUMN `subject`");
  }
}
