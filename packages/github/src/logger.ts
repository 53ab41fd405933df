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

/**
 * Untrusted text (a path, a commit message, an author, a role name, an OIDC claim, an input value) made
 * safe for the runner's log, where a line that starts with `::` (after spaces) or holds `##[` anywhere is
 * executed as a workflow command (`::add-mask::`, `##[stop-commands]`...). `%`, CR and LF are
 * percent-encoded as the runner's own command data is, so text stays on its line and reads back
 * unambiguously; a leading `:` and the `[` of `##[` are encoded too.
 */
export function escapeLogText(text: string): string {
  return text
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/^(\s*):/u, '$1%3A')
    .replace(/##\[/g, '##%5B');
}

/**
 * The one logger an action prints through (pass @actions/core itself): every message is escaped here, so
 * no caller can forget to. Annotation properties are escaped by @actions/core as command properties.
 */
export function escapedLogger(core: Logger): Logger {
  return {
    debug: (message) => core.debug(escapeLogText(message)),
    info: (message) => core.info(escapeLogText(message)),
    warning: (message, annotation) => core.warning(escapeLogText(message), annotation),
    error: (message, annotation) => core.error(escapeLogText(message), annotation),
  };
}
