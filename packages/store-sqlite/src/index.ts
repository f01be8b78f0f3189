export { SqliteTaskStore, type SqliteTaskStoreOptions } from './sqlite-task-store.ts';
