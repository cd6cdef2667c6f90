// Vite bundles CSS imported for its side effect (the stylesheet); TypeScript needs to know such imports exist.
declare module '*.css';
