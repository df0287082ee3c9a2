import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleMembers } from '../roles/role-members.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/**
 * The users table: its repository, which also answers the roles module's
 * questions about who holds a role (RoleMembers). Global because roles sits
 * below users and may not import it; the users module imports it, and
 * IamModule lists it beside the feature modules.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, { provide: RoleMembers, useExisting: UsersRepository }],
  exports: [UsersRepository, RoleMembers],
})
export class UsersDataModule {}
