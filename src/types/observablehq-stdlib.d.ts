// Framework's standard library, as page components import it (only what they use).
declare module "observablehq:stdlib" {
  export function FileAttachment(name: string): {
    json(): Promise<any>;
    text(): Promise<string>;
    arrayBuffer(): Promise<ArrayBuffer>;
    href: string;
  };
}
