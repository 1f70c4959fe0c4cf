/** What in one page the Content-Security-Policy would block, as sentences. */
export function cspProblems(html: string): string[];
/** Every .html file below the build folder, with what the policy would block in it. */
export function checkPages(dir: string): { page: string; problems: string[] }[];
