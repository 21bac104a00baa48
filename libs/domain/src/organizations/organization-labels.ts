import { Designation, Locality, OrganizationKind, Ownership } from './organization.entity';

/** Chinese labels of the organization enums, as the import template and its users write them. */
export const KIND_LABELS: Record<OrganizationKind, string> = {
  county: '县区',
  school: '学校',
  university: '高校',
  external_school: '市外学校',
  government_unit: '政府部门',
};

export const OWNERSHIP_LABELS: Record<Ownership, string> = { public: '公办', private: '民办' };

export const LOCALITY_LABELS: Record<Locality, string> = { county: '县中', urban: '城区' };

export const DESIGNATION_LABELS: Record<Designation, string> = {
  none: '无',
  provincial_level2_model: '省二级示范',
  provincial_level1_model: '省一级示范',
  characteristic_arts_sports: '特色-艺体',
  characteristic_humanities: '特色-人文',
  characteristic_science_tech: '特色-科技',
  comprehensive: '综合高中',
};
