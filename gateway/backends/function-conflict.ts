/**
 * A write the admin API may not make because someone else owns the function: under `faas dev`, a
 * script the user wrote in the functions folder. The admin API answers it 409.
 */
export class FunctionConflict extends Error {
  override readonly name = 'FunctionConflict';

  constructor(
    readonly functionName: string,
    message: string,
  ) {
    super(message);
  }
}
