import { Module } from '@nestjs/common';
import { TokenService } from './token.service.js';

/** A leaf: the users module issues API tokens with it, without depending on the auth module. */
@Module({ providers: [TokenService], exports: [TokenService] })
export class TokenModule {}
