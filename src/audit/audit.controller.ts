import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/decorators.js';
import { ErrorResponseDto } from '../common/http/error-response.dto.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditPageDto } from './dto/audit-page.dto.js';
import { AuditVerifyDto } from './dto/audit-verify.dto.js';
import { ExportAuditQueryDto } from './dto/export-audit-query.dto.js';
import { ListAuditQueryDto } from './dto/list-audit-query.dto.js';

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
  @RequirePermission('audit_log_data')
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
  @RequirePermission('audit_log_data')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'exportAuditEntries',
    summary: 'Every entry matching the filters, newest first, streamed as CSV or NDJSON (audit_log_data)',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'An attachment; CSV cells starting with = + - @ or a quote are prefixed with a quote',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse(BAD_FILTER)
  export(@Query() query: ExportAuditQueryDto): StreamableFile {
    const file = this.log.export(query);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Get('verify')
  @RequirePermission('audit_log_data')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'verifyAuditChain',
    summary: 'Recompute the hash chain and name the first entry that breaks it (audit_log_data)',
  })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(): Promise<AuditVerifyDto> {
    return this.log.verify();
  }
}
