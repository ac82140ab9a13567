/**
 * The API identity of the `Function` custom resource, shared by the CRD, the objects synth
 * writes, and anything that watches them (gateway, CLI, controller), and where they live by default.
 */
export const FUNCTION_GROUP = 'faas.poorman.dev';
export const FUNCTION_VERSION = 'v1alpha1';
export const FUNCTION_API_VERSION = `${FUNCTION_GROUP}/${FUNCTION_VERSION}`;
export const FUNCTION_KIND = 'Function';
export const FUNCTION_PLURAL = 'functions';
export const FUNCTION_CRD_NAME = `${FUNCTION_PLURAL}.${FUNCTION_GROUP}`;

/** Where functions and the gateway live when nothing names a namespace. */
export const DEFAULT_NAMESPACE = 'faas';
