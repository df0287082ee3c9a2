import { Permission } from '../common/auth/permission.js';
import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/decorators.js';
import { ErrorResponseDto } from '../common/http/error-response.dto.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditPageDto } from './dto/audit-page.dto.js';
import { AuditVerifyDto } from './dto/audit-verify.dto.js';
import { ExportAuditQueryDto } from './dto/export-audit-query.dto.js';
import { ListAuditQueryDto } from './dto/list-audit-query.dto.js';
import { VerifyAuditQueryDto } from './dto/verify-audit-query.dto.js';

const BAD_FILTER = {
  status: 400,
  type: ErrorResponseDto,
  description: 'VALIDATION_FAILED (a bad filter, targetId without targetType, to before from)',
};

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly log: AuditLogService) {}

  @Get()
  @RequirePermission(Permission.AuditLog)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'Audit entries, newest first, filtered, a page at a time (audit_log_data)',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiResponse({ ...BAD_FILTER, description: `${BAD_FILTER.description}, INVALID_CURSOR` })
  list(@Query() query: ListAuditQueryDto): Promise<AuditPageDto> {
    return this.log.list(query);
  }

  @Get('export')
  @RequirePermission(Permission.AuditLog)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'exportAuditEntries',
    summary:
      'Every entry matching the filters (or the newest `limit` of them), newest first, streamed as CSV or NDJSON (audit_log_data)',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'An attachment; CSV cells starting with = + - @ or a quote are prefixed with a quote',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ ...BAD_FILTER, description: `${BAD_FILTER.description}, limit outside 1 to 1,000,000` })
  export(@Query() query: ExportAuditQueryDto): StreamableFile {
    const file = this.log.export(query);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Get('verify')
  @RequirePermission(Permission.AuditLog)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'verifyAuditChain',
    summary:
      'Recompute the keyed hash chain, name the first entry that breaks it, and check that an earlier head is still in it (audit_log_data)',
  })
  @ApiOkResponse({ type: AuditVerifyDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED (expectHead not ID:HASH)',
  })
  verify(@Query() query: VerifyAuditQueryDto): Promise<AuditVerifyDto> {
    return this.log.verify(query);
  }
}
