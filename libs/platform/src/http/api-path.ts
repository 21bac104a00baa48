/** Versioned REST prefix. Ops routes (/health, /metrics, /docs) and signed storage URLs live outside it. */
export const API_PREFIX = 'api/v1';
export const apiPath = (resource: string): string => `${API_PREFIX}/${resource}`;
