// What this package needs from a log: the shape of @actions/core's functions, so an action passes
// `core` itself, and tests or other hosts pass anything with the same methods.

/** Where an annotation points. Columns only when it starts and ends on the same line (GitHub's rule). */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, annotation?: AnnotationProperties): void;
  error(message: string, annotation?: AnnotationProperties): void;
}

/** A logger that drops everything: the default where a caller did not ask to hear. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
};
