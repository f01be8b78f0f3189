export { type PostgresCluster, startPostgres } from './postgres-cluster.ts';
export { openStore, type StoreLocation } from './stores.ts';
