import type { Routes } from '@angular/router';
import { RenderMode, type ServerRoute } from '@angular/ssr';
import { petPageFrameId } from '../../api/site-pages';
import { routes } from './app.routes';
import { FramePage } from './prerender/frame-page';

/**
 * The app's routes as the build renders them: '/' is the neutral frame of the
 * signed-in pages (its guard needs the browser's session, so no real signed-in page
 * can be prerendered), the others are the app's own.
 */
export const prerenderRoutes: Routes = routes.map((route) =>
  route.path === ''
    ? { path: '', pathMatch: 'full', title: route.title, component: FramePage }
    : route,
);

/**
 * What `npm run build` writes as HTML: `index.html` (the frame, also served for every
 * deep link without a page), `login/index.html` and `callback/index.html`, where Auth0
 * sends the browser back, and the pet page's frame. Every other route is left to the
 * browser.
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
