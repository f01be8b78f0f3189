import { packageConfig } from '../../tsdown.base.ts';

export default packageConfig(['src/index.ts', 'src/config/index.ts', 'src/auth/index.ts']);
