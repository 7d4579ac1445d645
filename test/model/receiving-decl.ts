/**
 * The receiving side's stack, in the receiving account: a copy of a shared image, a bundle of the
 * copy, and an association of the owner's connection alias with a directory, each present or not.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Removal } from './declarations';
import { ALIAS, DIRECTORY, RECEIVER, SOURCES } from './world-constants';
import { ComputeType, ConnectionAliasAssociation, WorkspaceBundle, WorkspaceImageCopy } from '../../src';
import type { TemplateJson } from '../support/local-deployment';

export interface CopyDecl {
  readonly renamed: boolean;
  /** An index into SOURCES. */
  readonly source: number;
  readonly name: string;
  readonly removal: Removal;
}

export interface ReceivingDecl {
  readonly copy?: CopyDecl;
  /** A bundle of the copy (only with a copy), by name. */
  readonly bundle?: string;
  /** The alias's association with DIRECTORY (a rename changes its construct ID). */
  readonly association?: { readonly renamed: boolean };
}

export const COPY_NAMES = ['copy-a', 'copy-b'] as const;
export const BUNDLE_NAMES = ['bundle-a', 'bundle-b'] as const;

function declare(stack: Stack, decl: ReceivingDecl): void {
  if (decl.copy) {
    const c = decl.copy;
    const copy = new WorkspaceImageCopy(stack, c.renamed ? 'CopyRenamed' : 'Copy', {
      sourceImageId: SOURCES[c.source], name: c.name, removalPolicy: c.removal === 'RETAIN' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    if (decl.bundle) new WorkspaceBundle(stack, 'Bundle', { imageId: copy.imageId, computeType: ComputeType.STANDARD, name: decl.bundle });
  }
  if (decl.association) {
    new ConnectionAliasAssociation(stack, decl.association.renamed ? 'DesktopRenamed' : 'Desktop', { aliasId: ALIAS, directoryId: DIRECTORY });
  }
}

const templates = new Map<string, TemplateJson>();

export function receivingTemplateOf(decl: ReceivingDecl): TemplateJson {
  const key = JSON.stringify(decl);
  if (!templates.has(key)) {
    const app = new App();
    const stack = new Stack(app, 'Receiving', { env: { account: RECEIVER, region: 'eu-west-1' } });
    declare(stack, decl);
    templates.set(key, app.synth().getStackArtifact(stack.artifactId).template as TemplateJson);
  }
  return templates.get(key)!;
}

export function describeReceiving(decl: ReceivingDecl): string {
  const c = decl.copy;
  return [
    c ? `${c.renamed ? 'CopyRenamed' : 'Copy'}(of ${SOURCES[c.source].slice(-1) === '3' ? 'img3' : `img${SOURCES[c.source].slice(-1)}`} as ${c.name} ${c.removal})` : '',
    c && decl.bundle ? `Bundle(${decl.bundle})` : '',
    decl.association ? `${decl.association.renamed ? 'DesktopRenamed' : 'Desktop'}(alias with ${DIRECTORY})` : '',
  ].filter(Boolean).join(' ') || '(nothing)';
}
