import { AwsError, Operation } from './local-service';

/**
 * WorkSpaces' CreateTags, DescribeTags and DeleteTags for the resources the local endpoint knows
 * (images, connection aliases, bundles and registered directories), with the model's limits: keys of 1 to 127 characters, values
 * of at most 255, 50 tags a resource, ResourceNotFoundException for an unknown ID.
 */
export class WorkSpacesTags {
  private readonly tags = new Map<string, Map<string, string>>();

  /** @param exists whether a resource ID names an image, alias, bundle or registered directory the endpoint holds */
  constructor(private readonly exists: (resourceId: string) => boolean) {}

  /** The tags of a resource, as a plain object. */
  public of(resourceId: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(resourceId) ?? []);
  }

  /** Set tags directly (a seed, or another stack's doing). */
  public set(resourceId: string, tags: Record<string, string>): void {
    const current = this.tags.get(resourceId) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) current.set(key, value);
    this.tags.set(resourceId, current);
  }

  private require(resourceId: unknown): string {
    if (typeof resourceId !== 'string' || resourceId.length < 1 || !this.exists(resourceId)) {
      throw new AwsError('ResourceNotFoundException', 'The resource could not be found.', 400, { ResourceId: resourceId });
    }
    return resourceId;
  }

  public operations(): Record<string, Operation> {
    return {
      CreateTags: input => {
        const id = this.require(input.ResourceId);
        const tags: { Key?: unknown; Value?: unknown }[] = input.Tags ?? [];
        for (const tag of tags) {
          if (typeof tag.Key !== 'string' || tag.Key.length < 1 || tag.Key.length > 127) throw new AwsError('InvalidParameterValuesException', `Tag key ${tag.Key} is not valid`);
          if (tag.Value !== undefined && (typeof tag.Value !== 'string' || tag.Value.length > 255)) throw new AwsError('InvalidParameterValuesException', `Tag value of ${tag.Key} is not valid`);
        }
        const next = new Map(this.tags.get(id) ?? []);
        for (const tag of tags) next.set(tag.Key as string, (tag.Value as string | undefined) ?? '');
        if (next.size > 50) throw new AwsError('ResourceLimitExceededException', 'A resource can have at most 50 tags');
        this.tags.set(id, next);
        return {};
      },
      DescribeTags: input => {
        const id = this.require(input.ResourceId);
        return { TagList: [...(this.tags.get(id) ?? [])].map(([Key, Value]) => ({ Key, Value })) };
      },
      DeleteTags: input => {
        const id = this.require(input.ResourceId);
        const keys: unknown = input.TagKeys;
        if (!Array.isArray(keys)) throw new AwsError('InvalidParameterValuesException', 'TagKeys is required');
        for (const key of keys) this.tags.get(id)?.delete(String(key));
        return {};
      },
    };
  }
}
