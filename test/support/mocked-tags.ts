import { ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-partnercentral-account';
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-workspaces';
import type { AwsStub } from 'aws-sdk-client-mock';

type Tags = Map<string, string>;
const list = (tags: Tags) => [...tags.entries()].map(([Key, Value]) => ({ Key, Value }));

/**
 * Tags that the mocked client keeps as the service does, per resource: what CreateTags writes,
 * DescribeTags reads back, so that a claim's second read finds the owner it recorded. No owner is
 * recorded at first.
 */
export function mockWorkspacesTags(ws: AwsStub<any, any, any>): Map<string, Tags> {
  const byResource = new Map<string, Tags>();
  const of = (id: string) => byResource.get(id) ?? byResource.set(id, new Map()).get(id)!;
  ws.on(DescribeTagsCommand).callsFake(input => ({ TagList: list(of(input.ResourceId)) }));
  ws.on(CreateTagsCommand).callsFake(input => {
    for (const tag of input.Tags ?? []) of(input.ResourceId).set(tag.Key, tag.Value);
    return {};
  });
  ws.on(DeleteTagsCommand).callsFake(input => {
    for (const key of input.TagKeys ?? []) of(input.ResourceId).delete(key);
    return {};
  });
  return byResource;
}

/** The same for Partner Central's TagResource, ListTagsForResource and UntagResource. */
export function mockPartnerCentralTags(pc: AwsStub<any, any, any>): Map<string, Tags> {
  const byArn = new Map<string, Tags>();
  const of = (arn: string) => byArn.get(arn) ?? byArn.set(arn, new Map()).get(arn)!;
  pc.on(ListTagsForResourceCommand).callsFake(input => ({ Tags: list(of(input.ResourceArn)) }));
  pc.on(TagResourceCommand).callsFake(input => {
    for (const tag of input.Tags ?? []) of(input.ResourceArn).set(tag.Key, tag.Value);
    return {};
  });
  pc.on(UntagResourceCommand).callsFake(input => {
    for (const key of input.TagKeys ?? []) of(input.ResourceArn).delete(key);
    return {};
  });
  return byArn;
}
