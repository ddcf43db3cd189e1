// Observable Inputs ships no types: its factories are used as Inputs.range(…), Inputs.table(…) and return elements.
declare module "@observablehq/inputs";
