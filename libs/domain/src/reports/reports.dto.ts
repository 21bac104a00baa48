import { IsOptional, IsUUID } from 'class-validator';

export class SupervisionReportQuery {
  /** A county; without it the city admin gets the whole city and a county coordinator their county. */
  @IsOptional() @IsUUID('all')
  countyId?: string;
}
