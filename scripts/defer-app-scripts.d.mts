/** The loader as src/index.html names it, from public/. */
export const loaderSrc: string;

/**
 * The page with its module scripts and modulepreloads in `<template id="app-scripts">`
 * in front of the loader's tag, which then names `hashedLoaderSrc`. A page without the
 * loader would never start the app: that throws.
 */
export function deferAppScripts(html: string, hashedLoaderSrc?: string): string;

/** The loader minified, and its name with the hash of that content, as Angular's build names files. */
export function minifiedLoader(source: string): { code: string; src: string };
