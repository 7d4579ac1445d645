export * from './sharing-provider';
export * from './shared-workspace-image';
export * from './shared-connection-alias';
export * from './partner-connection-preferences';
export * from './workspace-image-copy';
export * from './workspace-bundle';
export * from './connection-alias-association';
export * from './compute-type';
