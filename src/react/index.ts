// React bindings for web-socket-client (`web-socket-client/react`).
// Placeholder: the hooks/components come in a later change. They must import the core through a
// relative path (e.g. `../core/index`); tsdown then emits the shared code once, as a chunk that
// both `dist/index.js` and `dist/react.js` import.
export {};
