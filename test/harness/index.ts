export * from './startTestHost.js';
export * from './clients.js';
