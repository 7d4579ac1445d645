/**
 * The pages of a paged AWS read, one call each, until a page has no NextToken (an empty token
 * ends too). Leaving the loop early (`break`, `return`) makes no further call.
 */
export async function* pages<P extends { NextToken?: string }>(
  read: (nextToken: string | undefined) => Promise<P>,
): AsyncGenerator<P, void, undefined> {
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    yield page;
    nextToken = page.NextToken || undefined;
  } while (nextToken);
}
