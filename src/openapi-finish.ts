import { STATUS_CODES } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DEFAULT_CODE_FOR_STATUS, ERROR_STATUS, type ErrorCode } from './common/errors/error-codes.js';
import {
  ERROR_MESSAGES,
  REQUEST_EXAMPLES,
  SUCCESS_DESCRIPTIONS,
  VALIDATION_DETAILS,
} from './openapi-examples.js';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Parameter = { in?: string; description?: string; example?: unknown; schema?: { example?: unknown } };

const ERROR_SCHEMA = { $ref: '#/components/schemas/ErrorResponseDto' };
const CODE_WORD = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{4,}\b/g;

const operationsOf = (doc: OpenAPIObject): Operation[] =>
  Object.values(doc.paths).flatMap((item) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((m) => (item[m] ? [item[m]] : [])),
  );

/**
 * Swagger UI's "Try it out" sends a query parameter's example as its value: a list would come back
 * filtered by it (role=viewer lists nobody on a fresh service). The example moves into the words.
 */
function examplesIntoWords(op: Operation): void {
  for (const p of (op.parameters ?? []) as Parameter[]) {
    if (p.in !== 'query') continue;
    const example = p.example ?? p.schema?.example;
    delete p.example;
    if (p.schema) delete p.schema.example;
    if (example === undefined) continue;
    const said = `for example ${JSON.stringify(example)}`;
    p.description = p.description ? `${p.description} (${said})` : `Optional; ${said}`;
  }
}

function requestExamples(op: Operation): void {
  const examples = op.operationId ? REQUEST_EXAMPLES[op.operationId] : undefined;
  const json = (op.requestBody as { content?: Record<string, { examples?: unknown }> } | undefined)
    ?.content?.['application/json'];
  if (json && examples) json.examples = examples;
}

/** The codes a response row names in its description that really answer with its status. */
function codesFor(status: number, description: string): ErrorCode[] {
  const isCodeOfStatus = (word: string): word is ErrorCode =>
    (ERROR_STATUS as Record<string, number>)[word] === status;
  const words: string[] = description.match(CODE_WORD) ?? [];
  const codes = [...new Set(words.filter(isCodeOfStatus))];
  const fallback = DEFAULT_CODE_FOR_STATUS[status];
  return codes.length > 0 ? codes : fallback ? [fallback] : [];
}

function errorBody(status: number, code: ErrorCode): Record<string, unknown> {
  return {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    code,
    message: ERROR_MESSAGES[code] ?? code,
    ...(code === 'VALIDATION_FAILED' ? { details: VALIDATION_DETAILS } : {}),
  };
}

/** Each error row shows bodies with the codes it names, and says so in JSON (the error shape). */
function errorExamples(op: Operation): void {
  for (const [key, response] of Object.entries(op.responses ?? {})) {
    const status = Number(key);
    if (!(status >= 400)) continue;
    const row = response as { description?: string; content?: Record<string, unknown> };
    const codes = codesFor(status, row.description ?? '');
    if (codes.length === 0) continue;
    const examples = Object.fromEntries(codes.map((code) => [code, { value: errorBody(status, code) }]));
    row.content = { 'application/json': { schema: ERROR_SCHEMA, examples } };
  }
}

function successDescriptions(op: Operation): void {
  for (const [key, response] of Object.entries(op.responses ?? {})) {
    const row = response as { description?: string };
    if (Number(key) >= 300 || row.description) continue;
    row.description =
      (op.operationId && SUCCESS_DESCRIPTIONS[op.operationId]) || STATUS_CODES[Number(key)] || 'Success';
  }
}

/** What the decorators cannot say: examples that Try it out can send as they are, and error bodies per status. */
export function finishDocument(doc: OpenAPIObject): OpenAPIObject {
  for (const op of operationsOf(doc)) {
    examplesIntoWords(op);
    requestExamples(op);
    errorExamples(op);
    successDescriptions(op);
  }
  return doc;
}
