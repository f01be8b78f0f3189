// pnpm hooks for this workspace.

/**
 * `pnpm pack` and `pnpm publish`: a published package.json carries no scripts. Ours (build, typecheck,
 * test, check:package) run only inside this workspace (`vitest --root ../..`, tools installed at the root),
 * and would mean nothing, or fail, in an installed copy.
 */
function beforePacking(manifest) {
  const { scripts: _workspaceScripts, ...published } = manifest;
  return published;
}

export const hooks = { beforePacking };
