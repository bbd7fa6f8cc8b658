export const BUILD_OUTPUTS: readonly string[];
export const BUILD_INPUTS: readonly string[];
export const BUILD_STAMP: string;
export function findBuildReason(root: string): string | undefined;
export function writeBuildStamp(root: string, startedAt: number): void;
