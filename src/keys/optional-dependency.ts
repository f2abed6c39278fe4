import { MissingDependencyError } from '../errors/missing-dependency-error.ts';

/** An optional peer dependency: its name and the range to install. */
export interface OptionalDependency {
  readonly packageName: string;
  readonly versionRange: string;
}

/** The optional peer dependencies of BYOK, with the ranges package.json declares. */
export const OPTIONAL_DEPENDENCIES = {
  openai: { packageName: 'openai', versionRange: '^7.57' },
  anthropic: { packageName: '@anthropic-ai/sdk', versionRange: '^1.14' },
  infisical: { packageName: '@infisical/sdk', versionRange: '5.0.2' },
} as const satisfies Record<string, OptionalDependency>;

/**
 * True when `error` says that `packageName` itself cannot be found: Node's ESM resolver
 * (`ERR_MODULE_NOT_FOUND`, "Cannot find package 'x'") or `require` (`MODULE_NOT_FOUND`, "Cannot
 * find module 'x'"). A package that is present but misses a file or one of its own dependencies
 * gives another name in the message, and is not "missing" (its error is worth seeing as it is).
 */
export function isPackageNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  if (typeof message !== 'string') return false;
  return (
    message.includes(`Cannot find package '${packageName}'`) ||
    message.includes(`Cannot find module '${packageName}'`)
  );
}

/**
 * Runs `load` (a literal `import('pkg')`, so bundlers still see the dependency) and turns "the
 * package is not installed" into `MissingDependencyError` naming `feature`; any other failure is
 * rethrown unchanged.
 */
export async function importOptional<T>(
  dependency: OptionalDependency,
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isPackageNotFound(error, dependency.packageName)) {
      throw new MissingDependencyError({ ...dependency, feature, cause: error });
    }
    throw error;
  }
}

/** `resolve(packageName)`, with "not installed" turned into `MissingDependencyError` naming `feature`. */
export function resolveOptional(
  dependency: OptionalDependency,
  feature: string,
  resolve: (packageName: string) => string,
): string {
  try {
    return resolve(dependency.packageName);
  } catch (error) {
    if (isPackageNotFound(error, dependency.packageName)) {
      throw new MissingDependencyError({ ...dependency, feature, cause: error });
    }
    throw error;
  }
}
