import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/platform';
import { dataSourceOptions } from './data-source.options';

@Module({})
export class DatabaseModule {
  /** The DataSource for the configured dialect; pending migrations run at start-up unless MIGRATE_ON_START=false. */
  static forRootAsync(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config),
            migrationsRun: config.MIGRATE_ON_START,
            migrationsTransactionMode: 'each',
            retryAttempts: 2,
            retryDelay: 1000,
          }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
