import { isUniqueViolation } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IndicatorDefinition } from './indicator-definition.entity';
import { INDICATOR_CATALOGUE, IndicatorSeed } from './indicator-catalogue';

const FIELDS = ['nameZh', 'nameEn', 'unit', 'direction', 'target', 'deadlineYear', 'cadence', 'level', 'computedFrom', 'neverLowered', 'note', 'sortOrder'] as const;

/**
 * Seeds the policy's indicator catalogue, keyed by `key`. Idempotent. The catalogue is the policy's text and has
 * no editing screen, so a definition that differs from the catalogue is brought back in line (a corrected
 * wording reaches existing databases); values entered against it are untouched.
 */
@Injectable()
export class IndicatorsSeeder {
  constructor(@InjectRepository(IndicatorDefinition) private readonly definitions: Repository<IndicatorDefinition>) {}

  /** Returns how many definitions were created or updated. */
  async run(): Promise<number> {
    let changed = 0;
    for (const [index, seed] of INDICATOR_CATALOGUE.entries()) {
      const wanted = toRow(seed, index);
      const existing = await this.definitions.findOne({ where: { key: seed.key } });
      if (!existing) {
        try {
          await this.definitions.insert(this.definitions.create(wanted));
          changed++;
        } catch (err) {
          // Another instance seeding at the same moment created it first.
          if (!isUniqueViolation(err)) throw err;
        }
        continue;
      }
      const differs = FIELDS.some((f) => !same(existing[f], wanted[f]));
      if (differs) {
        await this.definitions.update({ id: existing.id }, pick(wanted));
        changed++;
      }
    }
    return changed;
  }
}

function toRow(seed: IndicatorSeed, index: number): Omit<IndicatorDefinition, 'id' | 'createdAt' | 'updatedAt' | 'assignId'> {
  return {
    key: seed.key,
    nameZh: seed.nameZh,
    nameEn: seed.nameEn,
    unit: seed.unit,
    direction: seed.direction,
    target: seed.target,
    deadlineYear: seed.deadlineYear,
    cadence: seed.cadence,
    level: seed.level,
    computedFrom: seed.computedFrom,
    neverLowered: seed.neverLowered ?? false,
    note: seed.note,
    sortOrder: index + 1,
  };
}

function pick(row: ReturnType<typeof toRow>): Partial<IndicatorDefinition> {
  return Object.fromEntries(FIELDS.map((f) => [f, row[f]]));
}

/** Booleans come back as 0/1 on some drivers and decimals as numbers through the transformer. */
function same(a: unknown, b: unknown): boolean {
  if (typeof b === 'boolean') return !!a === b;
  if (a === null || b === null) return a === b;
  if (typeof b === 'number') return Number(a) === b;
  return a === b;
}
