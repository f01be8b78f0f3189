import { describeStoreContract, openInMemoryStore } from './store-contract.ts';

describeStoreContract('in-memory', openInMemoryStore);
