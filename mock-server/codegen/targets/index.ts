/** One renderer per stub language; stubs.ts picks among them. */
export * from './javascriptNode';
export * from './php';
export * from './pythonFlask';
export * from './typescriptExpress';
