export * from './environment-hash.js';
export * from './script-lock.js';
export * from './lock-check.js';
