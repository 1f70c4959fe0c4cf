import type { Routes } from '@angular/router';
import { redirectSignedIn, requireAdmin } from './auth/guards';

// Every page is lazy: the initial bundle is Angular, the router and the session check.
export const routes: Routes = [
  {
    // The store front, for everyone: signed out the catalogue, signed in the home.
    path: '',
    pathMatch: 'full',
    title: 'Secure Pets',
    loadComponent: () => import('./home/home-page').then((m) => m.HomePage),
  },
  {
    path: 'sales',
    title: 'Sales · Secure Pets',
    canActivate: [requireAdmin],
    loadComponent: () => import('./sales/sales-page').then((m) => m.SalesPage),
  },
  {
    // A pet's own page, for everyone (its title becomes the pet's type once loaded).
    path: 'pets/:id',
    title: 'Pet · Secure Pets',
    loadComponent: () => import('./pet-page/pet-page').then((m) => m.PetPage),
  },
  {
    path: 'login',
    title: 'Log in · Secure Pets',
    canActivate: [redirectSignedIn],
    loadComponent: () => import('./login/login-page').then((m) => m.LoginPage),
  },
  {
    path: 'callback',
    title: 'Signing in · Secure Pets',
    loadComponent: () => import('./callback/callback-page').then((m) => m.CallbackPage),
  },
  { path: '**', redirectTo: '' },
];
