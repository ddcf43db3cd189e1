// The parts of @observablehq/inputs (untyped JavaScript) that lib/ui and the typed page components use.
declare module "@observablehq/inputs" {
  /** An Inputs element: a form whose `value` is the input's value; it emits `input` when the value changes. */
  export type InputElement<T = any> = HTMLFormElement & { value: T };
  interface Common<T> {
    label?: string;
    value?: T;
    disabled?: boolean;
  }
  interface NumberOptions extends Common<number> {
    step?: number;
    transform?: (x: number) => number;
    format?: (x: number) => string;
  }
  export function range(extent: readonly [number, number], options?: NumberOptions): InputElement<number>;
  export function number(extent: readonly [number, number], options?: NumberOptions): InputElement<number>;
  export function select<T>(options: readonly T[], o?: Common<T> & { format?: (x: T) => string }): InputElement<T>;
  export function radio<T>(options: readonly T[], o?: Common<T> & { format?: (x: T) => string }): InputElement<T>;
  export function toggle(o?: Common<boolean>): InputElement<boolean>;
  /** A table of rows (the pages' result tables); the options are passed through as Inputs documents them. */
  export function table(data: readonly object[], options?: Record<string, unknown>): HTMLElement;
  export function text(o?: Common<string> & { width?: number; submit?: string | boolean; placeholder?: string }): InputElement<string>;
  export function form<T extends Record<string, any>>(
    inputs: { [K in keyof T]: InputElement<T[K]> },
    o?: { template?: (inputs: { [K in keyof T]: InputElement<T[K]> }) => HTMLElement },
  ): InputElement<T>;
}
