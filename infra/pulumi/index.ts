export * from './poorman-faas.js';
export * from './kubernetes-resource.js';
