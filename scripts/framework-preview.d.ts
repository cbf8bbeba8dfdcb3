// Types for the one Framework module scripts/dev.ts imports (Framework ships no type declarations).
declare module "@observablehq/framework/dist/preview.js" {
  import type {Server} from "node:http";
  export interface PreviewServer {
    readonly server: Server;
  }
  export function preview(options: {
    hostname: string;
    port?: number;
    open?: boolean;
    config?: string;
    root?: string;
    verbose?: boolean;
  }): Promise<PreviewServer>;
}
