export * from './task/index.js';
