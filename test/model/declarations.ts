/**
 * What the model's stack declares: up to two image shares (slots S1, S2), a connection alias share
 * and Partner Central connection preferences, each present or not, and the template it synthesizes to.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ALIAS, OWNER } from './world-constants';
import { ConnectionAccessType, DriftAction, PartnerConnectionPreferences, SharedConnectionAlias, SharedWorkspaceImage } from '../../src';
import type { TemplateJson } from '../support/local-deployment';

export type Action = 'REPORT' | 'REPAIR' | 'ENFORCE';
export type Removal = 'RETAIN' | 'DESTROY';

/** One SharedWorkspaceImage. `renamed` gives it another construct ID (a rename). */
export interface ImageDecl {
  readonly renamed: boolean;
  readonly imageId: string;
  readonly accountIds: readonly string[];
  /** Empty: a literal list only. */
  readonly unitIds: readonly string[];
  /** Only with units (disjoint from accountIds). */
  readonly excluded: readonly string[];
  readonly removal: Removal;
  readonly drift?: Action;
}

export interface AliasDecl {
  readonly renamed: boolean;
  readonly accountId: string;
  readonly removal: Removal;
  readonly drift?: Action;
}

export type AccessType = 'ALLOW_ALL' | 'DENY_ALL' | 'ALLOW_BY_DEFAULT_DENY_SOME';

export interface PartnerDecl {
  readonly accessType: AccessType;
  /** Only with ALLOW_BY_DEFAULT_DENY_SOME. */
  readonly excluded: readonly string[];
  readonly removal: Removal;
  readonly drift?: Action;
}

/** The stack's declaration: each slot absent (undefined) or declared. */
export interface StackDecl {
  readonly images: { readonly S1?: ImageDecl; readonly S2?: ImageDecl };
  readonly alias?: AliasDecl;
  readonly partner?: PartnerDecl;
}

export const IMAGE_SLOTS = ['S1', 'S2'] as const;
export type ImageSlot = typeof IMAGE_SLOTS[number];

/** The construct ID of an image slot's declaration (a rename changes it). */
export const imageConstructId = (slot: ImageSlot, decl: ImageDecl) => `${slot}${decl.renamed ? 'Renamed' : ''}`;
export const aliasConstructId = (decl: AliasDecl) => `Alias${decl.renamed ? 'Renamed' : ''}`;

const removalOf = (r: Removal) => (r === 'RETAIN' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
const driftOf = (a?: Action) => (a ? { interval: Duration.hours(1), action: DriftAction[a] } : undefined);

function declareImage(stack: Stack, slot: ImageSlot, decl: ImageDecl): void {
  new SharedWorkspaceImage(stack, imageConstructId(slot, decl), {
    imageId: decl.imageId,
    accountIds: [...decl.accountIds],
    ...(decl.unitIds.length > 0 ? { organizationalUnitIds: [...decl.unitIds], excludedAccountIds: [...decl.excluded] } : {}),
    removalPolicy: removalOf(decl.removal),
    driftCheck: driftOf(decl.drift),
  });
}

function declare(stack: Stack, decl: StackDecl): void {
  for (const slot of IMAGE_SLOTS) {
    const image = decl.images[slot];
    if (image) declareImage(stack, slot, image);
  }
  if (decl.alias) {
    new SharedConnectionAlias(stack, aliasConstructId(decl.alias), {
      aliasId: ALIAS, accountId: decl.alias.accountId, removalPolicy: removalOf(decl.alias.removal), driftCheck: driftOf(decl.alias.drift),
    });
  }
  if (decl.partner) {
    const p = decl.partner;
    new PartnerConnectionPreferences(stack, 'Connections', {
      accessType: ConnectionAccessType[p.accessType],
      ...(p.accessType === 'ALLOW_BY_DEFAULT_DENY_SOME' ? { excludedParticipantIds: [...p.excluded] } : {}),
      removalPolicy: removalOf(p.removal),
      driftCheck: driftOf(p.drift),
    });
  }
}

const templates = new Map<string, TemplateJson>();

/** The template of a stack declaring `decl` (synthesized once per declaration: synthesis is the slow part). */
export function templateOf(decl: StackDecl): TemplateJson {
  const key = JSON.stringify(decl);
  const cached = templates.get(key);
  if (cached) return cached;
  const app = new App();
  const stack = new Stack(app, 'Demo', { env: { account: OWNER, region: 'eu-west-1' } });
  declare(stack, decl);
  const template = app.synth().getStackArtifact(stack.artifactId).template as TemplateJson;
  templates.set(key, template);
  return template;
}

/** Whether a stack declaration declares nothing. */
export const isEmpty = (decl: StackDecl) => !decl.images.S1 && !decl.images.S2 && !decl.alias && !decl.partner;
