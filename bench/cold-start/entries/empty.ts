/** The floor: a handler that does nothing, bundled like the others. */
export const handler = async () => ({ statusCode: 200 });
