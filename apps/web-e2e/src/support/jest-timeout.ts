// Each browser test file starts the whole product; Jest's 5 s default is far too short.
jest.setTimeout(120_000);
