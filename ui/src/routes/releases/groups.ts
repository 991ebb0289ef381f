// Changelog groups in the order the core writes them.
export const GROUP_ORDER = [
  "Added",
  "Changed",
  "Deprecated",
  "Removed",
  "Fixed",
  "Security",
  "Dependencies",
  "Documentation",
  "Refactoring",
  "Tests",
  "Build",
  "Continuous integration",
  "Style",
  "Chores",
  "Other",
];
