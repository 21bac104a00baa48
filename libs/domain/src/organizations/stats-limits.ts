/**
 * Sane bounds for a school's yearly figures, shared by the stats DTO and the import. They only catch typos
 * (an extra digit); the policy targets themselves (e.g. no class over 55) are indicators, not input rules.
 */
export const STATS_LIMITS = {
  year: { min: 2000, max: 2100 },
  students: { min: 0, max: 30000 },
  classes: { min: 0, max: 600 },
  teachers: { min: 0, max: 5000 },
  largestClass: { min: 0, max: 200 },
  perStudentFunding: { min: 0, max: 100000 },
  newEntryLargestClass: { min: 0, max: 200 },
  researchers: { min: 0, max: 1000 },
} as const;
