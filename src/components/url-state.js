// @ts-check
// Page settings in the URL: the input table and the notice live in lib/ui/inputs.ts (typed, checked by tsc);
// this module is where pages import them from.
export {inputs, urlNotice, urlValue, setUrlValue} from "../_descent/descent.js";
