// Reading a JSON file a user named: any failure is a WrenError that names the file and says
// "not valid JSON" or why it could not be read.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';

export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WrenError(`${path}: ${(err as Error).name === 'SyntaxError' ? 'not valid JSON' : (err as Error).message}`);
  }
}
