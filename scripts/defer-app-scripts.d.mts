/** The page with each module script and modulepreload fetched at low priority. */
export function lowerScriptPriority(html: string): string;
