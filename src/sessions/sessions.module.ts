import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from './session.entity.js';
import { SessionsMetrics } from './sessions.metrics.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** Sessions, their state and revocation: below users and auth, so both end sessions through it. */
@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  providers: [SessionsRepository, SessionsService, SessionsMetrics],
  exports: [SessionsService, SessionsRepository],
})
export class SessionsModule {}
