import { RenderMode, type ServerRoute } from '@angular/ssr';
import { petPageFrameId } from '../../api/site-pages';

/**
 * What `npm run build` writes as HTML: `index.html`, the store front as a signed-out
 * visitor first sees it, its list still loading (also served for every deep link
 * without a page of its own: prerender/frame.css then shows only its bar),
 * `login/index.html` and `callback/index.html`, where Auth0 sends the browser back, and
 * the pet page's frame. Every other route is left to the browser.
 */
export const serverRoutes: ServerRoute[] = [
  { path: '', renderMode: RenderMode.Prerender },
  { path: 'login', renderMode: RenderMode.Prerender },
  { path: 'callback', renderMode: RenderMode.Prerender },
  // The pet page's frame, loading (pets/frame/index.html): the sites serve it for
  // every /pets/{id} (api/site-pages.ts).
  {
    path: 'pets/:id',
    renderMode: RenderMode.Prerender,
    getPrerenderParams: () => Promise.resolve([{ id: petPageFrameId }]),
  },
  { path: '**', renderMode: RenderMode.Client },
];
