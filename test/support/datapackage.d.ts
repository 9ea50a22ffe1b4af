/** The part of `datapackage` (Frictionless Data Package validator for JavaScript, no types of its own) the tests use. */
declare module 'datapackage' {
  export interface Resource {
    readonly name: string;
    readonly descriptor: { path: string; schema: { fields: { name: string; type: string }[] } };
    read(options?: { keyed?: boolean; cast?: boolean }): Promise<unknown[]>;
  }
  export class Package {
    static load(descriptor: string | object, options?: { basePath?: string; strict?: boolean }): Promise<Package>;
    readonly valid: boolean;
    readonly errors: Error[];
    readonly descriptor: { licenses: unknown[]; resources: unknown[] };
    readonly resources: Resource[];
    getResource(name: string): Resource | null;
  }
}
