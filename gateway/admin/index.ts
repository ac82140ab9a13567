export * from './admin-api.js';
export * from './admin-context.js';
export * from './admin-error.js';
export * from './credentials.js';
export * from './function-status.js';
export * from './gateway-info.js';
export * from './admin-mount.js';
