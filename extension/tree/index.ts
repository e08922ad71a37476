/** The Hooks tree: the TreeDataProvider over the hook view, and how each node looks (pure, unit-tested). */
export * from './provider';
export * from './presentation';
export * from './filterBox';
export * from './treeItem';
