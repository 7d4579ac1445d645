export * from './sharing-provider';
export * from './shared-workspace-image';
export * from './shared-connection-alias';
export * from './partner-connection-preferences';
