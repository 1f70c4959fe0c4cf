/**
 * The site's pages for routes with a parameter. The build prerenders one frame per
 * such route, and every address of the route is answered with it: by the deployed
 * site (a CloudFront Function, infra/lib/prerendered-pages.ts) and by the local one
 * (local/site.ts), which both read this.
 */

/** The `{id}` the build renders the pet page's frame for (app.routes.server.ts). */
export const petPageFrameId = 'frame';

/** The pet page's frame, as the build writes it. */
export const petPageFrame = `/pets/${petPageFrameId}/index.html`;

/**
 * The pet page's addresses: `/pets/` and one segment, with or without a trailing
 * slash. A malformed id is one too: the frame's app says so on the page. The source
 * is ES5 regular-expression syntax, which CloudFront Functions run.
 */
export const petPagePath = /^\/pets\/[^/]+\/?$/;

/** The prerendered file a page address is served from, when a frame serves it. */
export function framedPageFile(path: string): string | undefined {
  return petPagePath.test(path) ? petPageFrame : undefined;
}
