/**
 * True in development builds (and in tests, which run the sources); false in the production
 * build, where error messages shrink to their code and the offending value (DESIGN §9). Replaced
 * at build time, never read at run time.
 */
declare const __DEV__: boolean;
