// Observable Framework configuration for Descent. Pages live in src/; lib/ is bundled into src/_descent/.
export default {
  title: "Descent",
  root: "src",
  pages: [
    { name: "Gradient descent, step by step", path: "/gradient-descent" },
    { name: "The optimizers, equation beside code", path: "/optimizers" },
    { name: "Beyond Adam", path: "/beyond-adam" },
    { name: "Adam, understood", path: "/adam" },
    { name: "Adam on the digits", path: "/digits" },
    { name: "Learning-rate schedules", path: "/schedules" },
    { name: "Optimizers from scratch on MNIST", path: "/mnist-from-scratch" },
    { name: "Nesterov and Adam on MNIST", path: "/mnist-nesterov-adam" },
    { name: "Newton's method and the Hessian", path: "/newton" },
    { name: "Write your own page", path: "/authors" },
    { name: "Example: momentum vs Adam on MNIST", path: "/example" },
  ],
  head: '<link rel="icon" href="data:,">',
  footer: "Descent — optimizers, live in your browser. Everything on this page runs locally, from this site.",
  // The default stylesheet list pulls a font from a CDN; Descent serves everything itself.
  globalStylesheets: [],
  style: "style.css",
  search: false,
  pager: true,
  toc: true,
};
