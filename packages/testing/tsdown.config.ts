import { packageConfig } from '../../tsdown.base.ts';

export default packageConfig([
  'src/index.ts',
  'src/protected/index.ts',
  'src/bin/fixture-server.ts',
  'src/tasks-extension/bin.ts',
]);
