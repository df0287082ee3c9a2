export * from './auth-context.js';
export * from './metadata.js';
export * from './decorators.js';
export * from './client-info.js';
