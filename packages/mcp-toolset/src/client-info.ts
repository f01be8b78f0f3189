/**
 * How the toolset introduces itself to servers unless `clientInfo` says otherwise. The version is
 * the package's (client-info.test.ts keeps the two in step).
 */
export const CLIENT_INFO = { name: 'toolwright', version: '0.2.0' } as const;
