// Pull-request annotations for findings: one per finding, on the exact lines, with the rule, the
// redacted value and how to allow a false positive. Never the secret: only `redacted` is read.
import { INLINE_ALLOW, IGNORE_FILE_NAME, type Finding } from '@keyward/engine';
import type { AnnotationProperties, Logger } from './logger.js';

export interface FindingAnnotation {
  message: string;
  properties: AnnotationProperties;
}

/** The annotation for one finding; `file` is the repository-relative path GitHub matches against the diff. */
export function findingAnnotation(finding: Finding, file: string = finding.path): FindingAnnotation {
  const properties: AnnotationProperties = {
    title: `${finding.ruleId} (keyward)`,
    file,
    startLine: finding.startLine,
    endLine: finding.endLine,
  };
  // GitHub takes columns only for a single-line span.
  if (finding.startLine === finding.endLine) {
    properties.startColumn = finding.startColumn;
    properties.endColumn = finding.endColumn;
  }
  const message =
    `${finding.description} (${finding.ruleId}): ${finding.redacted}. ` +
    'Revoke or rotate it first, then remove it from the code. ' +
    `Not a real credential? Add a \`${INLINE_ALLOW}\` comment on this line, ` +
    `or add ${finding.fingerprint} to ${IGNORE_FILE_NAME}.`;
  return { message, properties };
}

export interface AnnotateOptions {
  /** Annotate a finding only where this says yes: e.g. only on lines a pull request added. */
  include?: (finding: Finding) => boolean;
  /** Repository-relative path for a finding (when the scan ran below the repository root). */
  fileOf?: (finding: Finding) => string;
  level?: 'error' | 'warning';
}

/** Emit the annotations through the logger; returns how many were emitted. */
export function annotateFindings(findings: readonly Finding[], logger: Logger, options: AnnotateOptions = {}): number {
  let count = 0;
  for (const finding of findings) {
    if (options.include && !options.include(finding)) continue;
    const { message, properties } = findingAnnotation(finding, options.fileOf?.(finding) ?? finding.path);
    if (options.level === 'warning') logger.warning(message, properties);
    else logger.error(message, properties);
    count++;
  }
  return count;
}
