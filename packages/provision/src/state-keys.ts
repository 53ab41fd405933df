/** Every action-state name used between main and post, named once. */
export const StateKey = {
  /** JSON array of LedgerEntry: what main minted, saved before anything is exported. */
  Ledger: 'keyward_ledger',
  /** JSON ExportRecord: env var names and files main handed out, so post can scrub them. */
  Exports: 'keyward_exports',
  /** Set once main has started, so post can tell "main never ran" from "main minted nothing". */
  MainStarted: 'keyward_main_started',
} as const;
