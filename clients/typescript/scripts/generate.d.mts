export declare const generatedFile: string;
export declare function fetchDocument(baseUrl: string): Promise<unknown>;
export declare function generateTypes(document: unknown): Promise<string>;
export declare function checkedIn(): string;
