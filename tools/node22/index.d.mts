export declare const node22Major: 22;
export declare class Node22UnavailableError extends Error {}
export declare function node22Binary(options?: { log?: (line: string) => void }): string;
