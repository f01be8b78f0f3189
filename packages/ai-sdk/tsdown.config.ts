import { packageConfig } from '../../tsdown.base.ts';

export default packageConfig(['src/index.ts', 'src/testing.ts']);
