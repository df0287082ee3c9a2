import createClient, { type ClientOptions } from 'openapi-fetch';
import type { paths } from './generated/schema.js';

export type { components as IamComponents, paths as IamPaths } from './generated/schema.js';

/**
 * A fetch client typed by the service's OpenAPI document (`npm run client:generate`): a path, a
 * parameter, a body or an answer that no longer matches the contract is a type error.
 */
export function createIamClient(options: ClientOptions) {
  return createClient<paths>(options);
}
