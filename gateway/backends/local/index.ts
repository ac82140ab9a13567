export * from './backend-logger.js';
export * from './local-backend.js';
export * from './function-process.js';
export * from './uv-environment.js';
