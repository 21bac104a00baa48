import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResearchSession } from '../sessions/research-session.entity';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { AttendanceInterval } from './attendance-interval.entity';
import { TrainingRecord } from './training-record.entity';
import { AttendanceService } from './attendance.service';
import { TrainingService } from './training.service';
import { TrainingController } from './training.controller';

/**
 * Attendance and training hours (issue 5 item 5). A leaf: it reads the sessions context's ResearchSession
 * entity but imports none of its modules (the sessions and live contexts import this one).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AttendanceInterval, TrainingRecord, ResearchSession, User, Organization])],
  controllers: [TrainingController],
  providers: [AttendanceService, TrainingService],
  exports: [AttendanceService],
})
export class TrainingModule {}
