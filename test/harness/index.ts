export * from './startTestHost.js';
export * from './clients.js';
export * from './modernClients.js';
export * from './auth.js';
export * from './prometheus.js';
export * from './startCluster.js';
export * from './privateRedis.js';
