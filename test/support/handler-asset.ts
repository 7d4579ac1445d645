import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { BUNDLE_DIR } from './handler-harness';

/** The budget of the handler's entry file, which every cold start loads (1 KB = 1,000 bytes, the stricter reading). */
export const ENTRY_BUDGET_BYTES = 400_000;
/** The budget of the whole asset, deflated as the zip that CDK uploads to Lambda holds it. */
export const DEFLATED_ASSET_BUDGET_BYTES = 500_000;
/** The budget of the entry file's cold load, as a share of the AwsCustomResource handler's (benchmark/run.ts measures it). */
export const COLD_LOAD_BUDGET_RATIO = 0.45;

/** The modules bundled apart, in on-demand/, each required at its first use. */
export const ON_DEMAND_MODULES = ['hand-over', 'stack-traces', 'dynamodb', 'organizations', 'cloudformation', 'partner-central', 'event-streams'] as const;
/** The on-demand modules that hold SDK clients (the others, none). */
export const ON_DEMAND_SDK_MODULES = ['hand-over', 'dynamodb', 'organizations', 'cloudformation', 'partner-central'] as const;

export const ENTRY_FILE = path.join(BUNDLE_DIR, 'index.js');
export const onDemandFile = (module: string) => path.join(BUNDLE_DIR, 'on-demand', `${module}.js`);

/** Every file of the asset directory, relative to it. */
export function assetFiles(dir = BUNDLE_DIR): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(file => fs.statSync(path.join(dir, file)).isFile())
    .sort();
}

/** Bytes of the entry file. */
export function entryBytes(): number {
  return fs.statSync(ENTRY_FILE).size;
}

/**
 * Bytes of the asset's files deflated at zlib's level 9, as the zip that CDK uploads holds each
 * (its headers, about 100 bytes a file, not counted): deterministic for a given build.
 */
export function deflatedAssetBytes(dir = BUNDLE_DIR): number {
  return assetFiles(dir).reduce((sum, file) => sum + zlib.deflateRawSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length, 0);
}

/** The AWS services whose clients a bundle file holds, by their Smithy namespaces (com.amazonaws.<service>). */
export function servicesIn(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  return [...new Set([...code.matchAll(/com\.amazonaws\.([a-z0-9]+)/g)].map(m => m[1]))].sort();
}
