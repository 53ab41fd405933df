// JUnit XML for CI test reporters (GitLab, Jenkins, Azure Pipelines, dorny/test-reporter): one failed
// test case per finding, named by rule and place, so a finding shows up where failing tests do; a clean
// scan is one passing case. Redacted values only, like every other report.
import type { Finding, ScanResult } from '../types.js';

export interface JunitReportOptions {
  toolVersion: string;
}

/** XML text or attribute value: the five specials escaped, and characters XML 1.0 cannot hold replaced. */
function xml(text: string): string {
  return text
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function place(f: Finding): string {
  return `${f.path}:${f.startLine}:${f.startColumn}${f.commit ? ` (commit ${f.commit.sha.slice(0, 12)})` : ''}`;
}

function testCase(f: Finding): string {
  const message = `${f.description} (${f.severity}) at ${place(f)}`;
  const body = [`rule: ${f.ruleId}`, `value: ${f.redacted}`, `fingerprint: ${f.fingerprint}`, 'Rotate the credential first: removing it from the code does not un-leak it.'].join('\n');
  return `    <testcase classname="${xml(f.path)}" name="${xml(`${f.ruleId} at line ${f.startLine}`)}" file="${xml(f.path)}" line="${f.startLine}">\n      <failure type="${xml(f.ruleId)}" message="${xml(message)}">${xml(body)}</failure>\n    </testcase>\n`;
}

export function renderJunit(result: ScanResult, options: JunitReportOptions): string {
  const { findings, stats } = result;
  const seconds = (stats.durationMs / 1000).toFixed(3);
  const cases = findings.length > 0 ? findings.map(testCase).join('') : `    <testcase classname="keyward" name="no credentials found in ${stats.files} files"/>\n`;
  const tests = Math.max(findings.length, 1);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="keyward ${xml(options.toolVersion)}" tests="${tests}" failures="${findings.length}" time="${seconds}">\n` +
    `  <testsuite name="keyward scan" tests="${tests}" failures="${findings.length}" errors="0" skipped="0" time="${seconds}">\n` +
    cases +
    '  </testsuite>\n' +
    '</testsuites>\n'
  );
}
