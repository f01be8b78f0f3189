// @toolwright/testing/protected: the fixture servers behind bearer authorization, with a real
// authorization server (oidc-provider, an optional peer dependency: install it to use this entry).
/**
 * The fixture servers behind bearer authorization, with a real authorization server.
 *
 * @module
 */
export type { IssuedGrant, RegisteredClient } from './authorization-server.ts';
export {
  type ProtectedFixture,
  type ProtectedFixtureOptions,
  type ProtectedRequest,
  startProtectedFixture,
} from './protected-fixture.ts';
