export * from './sharing-provider';
export * from './shared-workspace-image';
